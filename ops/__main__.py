"""``python -m ops``: the operator commands."""

from ops.cli import main

main()
