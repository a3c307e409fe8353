"""The gunicorn classes that `gunicorn.conf.py` names: a logger whose access lines cannot be
forged, and gthread workers that, when all their threads are busy, leave new connections to the
other workers.

Why: every worker waits on the same listening socket and the one already running wins the race to
accept, so a burst of new keep-alive connections tends to land on a single worker. A scoring
request is CPU-bound Python, and one process runs Python on one core, so that worker queues its
requests behind its own GIL while the other core idles. Measured on the full-scale artifact with
8 keep-alive clients on 2 cores: the p50 of a score-only request went from 2.8 ms to 9.3 ms and
the p50 of an explained score from 5.3 ms to 14.7 ms whenever the split came out 8/0
(benchmarks/README.md).
The stock `worker_connections` cap also balances, but it counts idle keep-alive connections, so
it must be set to about `threads` and then turns keep-alive almost off. This class counts only the
requests a worker is handling, so keep-alive stays on.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger, SafeAtoms
from gunicorn.workers.gthread import ThreadWorker

from scoring.text_policy import escape_controls


class EscapedAtoms(SafeAtoms):
    """gunicorn escapes quotes in access-log values; this also escapes control characters. The
    path is logged decoded, so "/x%0D%0A127.0.0.1 \"GET /admin\" 200" would otherwise write a
    second, forged line. Escaped when the format reads a value: gunicorn gathers every request
    and response header and WSGI variable as atoms on each request, and the format uses five."""

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        return escape_controls(value) if isinstance(value, str) else value


class EscapingLogger(Logger):
    atoms_wrapper_class = EscapedAtoms


class BalancedThreadWorker(ThreadWorker):
    """A gthread worker that stops accepting while every one of its threads holds a request.

    Connections it has already accepted stay with it (keep-alive, pending data) and queue for its
    threads as in gthread. Only new connections wait in the kernel's backlog, where the first
    worker with a free thread accepts them. Every counter below is touched only on the worker's
    main thread (accept, poller callbacks, the method queue), as gthread's own are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0

    def _has_free_thread(self) -> bool:
        return self.in_flight < self.cfg.threads

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled and self._has_free_thread())

    def enqueue_req(self, conn: Any) -> None:
        self.in_flight += 1
        if self._accepting and not self._has_free_thread():
            super().set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        # Before gthread's own handling, which may hand the connection straight back to
        # enqueue_req when the client has already sent its next request.
        self.in_flight -= 1
        super().finish_request(conn, fs)
