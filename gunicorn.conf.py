"""gunicorn for a 2-core host: one worker process per core, threads to overlap database and cache waits.

Every setting can be overridden from the environment (the benchmark does).
Database connections persist between requests (CONN_MAX_AGE, with health
checks) in cms/settings/base.py, one per worker thread.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A request slower than this is stuck, not busy: the API's own limits keep honest queries far below it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Longer than a load balancer's usual 60 s idle timeout would be wasted; 5 s keeps sockets for bursts.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak can never take the site down; rarely
# enough that the restart (a second of imports) does not show in latency at ~1000 req/s.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = 10000
# Heartbeat files on tmpfs: a container's overlay disk can stall long enough to get workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (gunicorn's documented advice)
# An empty GUNICORN_ACCESSLOG turns the access log off (the benchmark does; it costs throughput).
# With JSON logs (production's default) the app writes one line per request itself (ops/requests.py),
# with the request id and without the client's address, so gunicorn's own line is off unless asked for.
_json_logs = (os.environ.get("LOG_FORMAT") or "") == "json" or (
    not os.environ.get("LOG_FORMAT") and os.environ.get("DJANGO_SETTINGS_MODULE") == "cms.settings.production"
)
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "" if _json_logs else "-") or None
# The path without its query string: preview tokens and search words travel there and stay out of logs.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(D)sus'

errorlog = "-"
if _json_logs:
    # gunicorn's own lines (workers booting, timeouts) as JSON too, so every line on stderr is one object.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ops.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # gunicorn writes access lines whenever a logging config is given: only if asked for here too.
            "gunicorn.access": {
                "handlers": ["console"] if accesslog else [],
                "level": "INFO" if accesslog else "CRITICAL",
                "propagate": False,
            },
        },
        "root": {"handlers": [], "level": "WARNING"},
    }
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
