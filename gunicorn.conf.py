"""gunicorn, the production app server: `make serve`, or `gunicorn -c gunicorn.conf.py`.

Every setting comes from the environment. gunicorn's sync workers handle one request at a
time each, so they belong behind a reverse proxy that buffers requests and replies (nginx,
docs/deploy/nginx.conf): a slow client then ties up the proxy, not a worker.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# The usual rule for sync workers: two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A worker busy for longer than this is killed and replaced (its request answers 502).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a restart or SIGTERM, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Keep-alive only matters between the proxy and gunicorn.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers are replaced now and then, so a slow leak never grows for long.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
if os.path.isdir("/dev/shm"):
    # The workers' heartbeat files on a disk that never blocks.
    worker_tmp_dir = "/dev/shm"

# Access log to stdout, errors to stderr, both as JSON lines with the request id (ops/logs.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "ops.gunicorn_logging.JSONLogger"
# gunicorn 24+ opens a control socket in the home folder, one path for every instance; several
# instances on one machine would fight over it, and nothing here uses it.
control_socket_disable = True
