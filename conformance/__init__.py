"""The conformance harness for the VM Operations Job Protocol v1: adapters, runner, generators, reports."""

__version__ = "0.1.0"
