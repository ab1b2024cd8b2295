"""The app: the config model (one source of truth for the inputs) and the stacks that turn a
config into constructs. ``main.py`` is its entry point."""
