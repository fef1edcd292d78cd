"""Benchmarks of the suite's speed (``vmjob bench``): one module per part measured — the reference, the
transports, the fuzzer, the reports — each a ``run(quick)`` giving :class:`~.row.BenchRow` rows of ratios and
rates measured in that run, never compared with a stored figure."""
