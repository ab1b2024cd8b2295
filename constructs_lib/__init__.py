"""Construct library for the AWS Organizations management account baseline.

The constructs and the detection catalogue; they depend on nothing of the app (``app/``) and
importing them has no side effects. For a fast synth, call ``runtime.install()`` first.
"""
