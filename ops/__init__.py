"""Operator commands for a deployed baseline: ``verify``, ``drill`` and ``config``.

``python -m ops --help`` (or ``./run verify``, ``./run drill``, ``./run config``). They read
the same config file as the synth to know the names, and talk to AWS through the standard
SDK environment (``AWS_PROFILE``, ``AWS_REGION``, ``AWS_ENDPOINT_URL``). They import no
cdktf: a command starts in well under a second.
"""
