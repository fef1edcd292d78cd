"""One module per command group of the ``vmjob`` CLI; each exposes ``register(subparsers)``."""
