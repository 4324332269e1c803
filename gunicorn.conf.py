"""Gunicorn settings for the Kesos web container (`gunicorn --config gunicorn.conf.py`).

Tunables come from the environment: WEB_CONCURRENCY (worker processes), GUNICORN_THREADS,
GUNICORN_TIMEOUT, LOG_LEVEL. Every worker thread may hold one PostgreSQL connection
(CONN_MAX_AGE), so workers x threads x web replicas must stay below the server's max_connections.
"""

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # respects a container's cpuset
    except AttributeError:  # not available on every platform
        return os.cpu_count() or 1


wsgi_app = "kesos.wsgi:application"
bind = "0.0.0.0:8000"

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cores() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))

# With the threaded worker this restarts a worker process whose main loop stops answering; it does not
# cut a request a thread is waiting on. What bounds a request are the timeouts on every dependency:
# PostgreSQL connect/statement/lock (KESOS_DB_*), the Redis cache (KESOS_CACHE_TIMEOUT) and the broker
# (KESOS_BROKER_TIMEOUT); past them the request answers 503 or goes on without the cache
# (docs/deployment.md, "When Redis or PostgreSQL is down").
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5  # the reverse proxy keeps connections open; slightly above its idle timeout is ideal

# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100

# Heartbeat files on tmpfs instead of the container's overlay filesystem.
worker_tmp_dir = "/dev/shm"
# The default control socket lives in $HOME, which is read-only for the app user.
control_socket = "/tmp/gunicorn.ctl"

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The peer is the reverse proxy; log the client address it forwards as well.
# Every atom of the access line (request line, query string, referer, headers) is redacted: no full
# NIK/No. KK reaches the log, whatever a client puts in a URL.
logger_class = "kesos.core.gunicorn_logging.RedactingLogger"
access_log_format = '%(h)s %({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'
