"""The four transports of ADAPTER.md: how the runner talks to an implementation under test."""
