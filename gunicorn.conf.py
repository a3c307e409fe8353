"""gunicorn settings for `gunicorn app:server`, sized for a small PaaS dyno or this 2-core machine.

Workers × threads: XGBoost and polars release the GIL for their heavy parts, and each request
runs single-threaded (nthread=1), so one worker per core with a few threads each keeps the cores
busy while a thread waits on the database. The app is preloaded: the model and the reference
data are read once and shared copy-on-write by the workers.
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
threads = int(os.environ.get("PAD_THREADS", "4"))
worker_class = "gthread"
preload_app = True
timeout = int(os.environ.get("PAD_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# The path without its query string: search terms and names stay out of the logs.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
# Request line and header limits (the API also caps bodies at PAD_MAX_REQUEST_BYTES).
limit_request_line = 8190
limit_request_fields = 100


def post_fork(server, worker):
    # Database connections opened in the master before the fork must not be shared.
    import app

    app.server.extensions["scoring_service"].store.engine.dispose(close=False)
