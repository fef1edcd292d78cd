"""One fuzz campaign over a cluster: its slices run as tasks of a Dask distributed cluster.

``vmjob fuzz --cluster tcp://SCHEDULER:8786 --url ... --duration 3600`` (the optional extra:
``pip install 'vmjob[cluster]'``, on the machine that drives and on every worker). The campaign is cut
into the same slices as a local run (:mod:`conformance.fuzz.slices`); each slice is a task that opens its
own connection to (or process of) the implementation, so the implementation must be reachable from the
workers: a URL, or a command installed on each of them.

Why Dask distributed, not Ray (measured for issue 14, each installed into an empty venv): Dask is Python
code with a few small compiled dependencies (psutil, msgpack, PyYAML: 21 packages, 44 MiB, installed in 6 s;
a local scheduler and two workers ready in 3 s), Ray is a binary wheel with its own object store and control
services (18 packages, 259 MiB, 13 s; ``ray.init()`` ready in 9.5 s). The job is a few hundred
independent, seconds-long tasks whose inputs and outputs are a few kilobytes: nothing here needs Ray's
object store or actors. Both retry a task whose worker died; Dask
says which task failed (``KilledWorker``) after ``retries``, and a scheduler that cannot be reached is one
error at connection time.

Findings are shared as the campaign runs through the engine itself: each task is submitted with the
findings known at that moment; it replays them first against its implementation (a regression check, and
the divergence confirmed on that worker) and does not shrink again a divergence already found, it only
counts the hit. This is what makes a cluster campaign cheaper than independent shards; the price is that
which copy of a finding is kept may depend on which task finished first (a local run, which shares
nothing while it runs, is reproducible to the byte).
"""

from .engine import ClusterError, run_campaign

__all__ = ["ClusterError", "run_campaign"]
