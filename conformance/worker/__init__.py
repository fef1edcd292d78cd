"""The reference worker: a small, real worker for the behaviour half of the protocol (PROTOCOL.md §4).

It validates with the reference, offers ``test.echo`` and ``test.sleep``, enforces capabilities, idempotency
(durable, in SQLite), timeouts and path safety, and emits progress: the model ``vmjob worker certify``
compares other workers against, as the reference validator is for documents. ``engine`` holds what it
does, ``store`` what it promised, ``http``, ``files`` and ``adapter`` the three bindings (WORKER.md).
"""
