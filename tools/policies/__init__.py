"""Proving the baseline's policies against the requests AWS services make (see README.md here)."""
