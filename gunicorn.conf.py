"""gunicorn settings for `gunicorn app:server`, sized for a small PaaS dyno or this 2-core machine.

Workers × threads: XGBoost and polars release the GIL for their heavy parts, and each request
runs single-threaded (nthread=1), so one worker per core with a few threads each keeps the cores
busy while a thread waits on the database. The workers are gthread workers that leave new
connections to another worker while all their own threads are busy
(`scoring.serving.BalancedThreadWorker`): stock gthread let one worker take all 8 keep-alive
clients of the benchmark about one run in two, and the p50 then tripled.

No preload: polars' thread pool does not survive fork(), so a worker forked from a master that
had read the artifact with polars hangs on its first polars query. Each worker reads the artifact
itself; the master only makes sure the store is migrated and has an administrator.
"""

import os

# One request runs on one thread (XGBoost gets nthread=1 in ScoringService): for one-row queries
# polars' own pool only adds hand-offs. Full-scale artifact, one client at a time, API p50 over
# in-process p50: 1.97 with the default pool, 1.52 and 1.31 with one thread (benchmarks/README.md;
# this VM's run-to-run spread is large). Set before anything imports polars; workers inherit it.
os.environ.setdefault("POLARS_MAX_THREADS", "1")

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
threads = int(os.environ.get("PAD_THREADS", "4"))
worker_class = "scoring.serving.BalancedThreadWorker"
preload_app = False
timeout = int(os.environ.get("PAD_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# The path without its query string: search terms and names stay out of the logs.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# Control characters in logged values (a decoded %0A in the path) are escaped: no forged lines.
logger_class = "scoring.serving.EscapingLogger"
errorlog = "-"
limit_request_line = 8190
limit_request_fields = 100


def on_starting(server):
    # Once, before any worker: migrate the store and create the first administrator, so workers
    # never race to create it. What is printed is where its password is, never the password.
    # Only for this project's app: gunicorn also reads this file for any other app started from
    # this directory (the tests' small WSGI apps), which has no model or store to prepare.
    if getattr(server.app, "app_uri", None) != "app:server":
        return
    from scoring.credentials import ensure_first_admin
    from scoring.release import web_settings
    from scoring.store import Store

    # The web process builds nothing (`credit-scoring release` does): without a model, or with an
    # invalid variable, it stops here with one line, not a traceback per worker and
    # "HaltServer 'Worker failed to boot'".
    settings = web_settings()
    store = Store.open(settings.resolved_database_url)
    try:
        created = ensure_first_admin(store, settings)
    finally:
        store.dispose()
    if created is not None:
        print(created, flush=True)


def post_worker_init(worker):
    # The app is built: its ~280,000 long-lived objects (artifact, labels, side aggregates, the
    # dashboard's layout) would otherwise be walked by every full collection, 100-180 ms each on
    # the full-scale artifact, which is the p99 of an explained score under load. Frozen, they
    # stay out of the collector for good; what requests allocate is collected as usual.
    import gc

    gc.collect()
    gc.freeze()
