"""Property-based fuzzing: generated documents sent to an implementation and to the reference, divergences shrunk
into findings. The public face is :mod:`.differential`; its docstring names the parts, one job per module."""
