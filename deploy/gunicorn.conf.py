"""gunicorn settings for Normmonitor (docs/deployment.md). Everything can be overridden on the
command line or with GUNICORN_CMD_ARGS; the defaults suit a 2-core machine behind a proxy."""

import json
import logging
import multiprocessing
import os

bind = os.environ.get("NORMMONITOR_BIND", "127.0.0.1:8000")
# Sync workers: the application is CPU-bound Python; one process per request in flight.
workers = int(os.environ.get("NORMMONITOR_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = 60  # the slowest request (a national export) takes a few seconds
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that memory fragmentation cannot accumulate.
max_requests = 5000
max_requests_jitter = 500
# The proxy in front terminates TLS and sets X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("NORMMONITOR_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# One JSON object per request, like the application's own logs (LOG_FORMAT=json).
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "logger": "gunicorn.access",
        "remote": "%(h)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "query": "%(q)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
        "user_agent": "%(a)s",
    }
)
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logging.getLogger("gunicorn.error").propagate = False
