"""gunicorn's settings for production: `gunicorn -c python:pwa.gunicorn_conf wsgi:app`.

A module of the package rather than a loose gunicorn.conf.py, so that the installed wheel
carries it and deploy/wegwijzer.service finds it in any venv. Command-line options (-b, -w)
and GUNICORN_CMD_ARGS still override every value here.
"""

import multiprocessing
import os

# The usual (2 x cores) + 1: a worker waits on fsync and file locks about as often as it
# computes. Capped: every worker holds the whole app in memory, and more of them only queue
# for the same locks. WEB_CONCURRENCY (gunicorn's own variable) overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))

# Loopback only: Caddy (deploy/Caddyfile) is the one way in and terminates HTTPS.
bind = ["127.0.0.1:8000"]

# Load the app once in the master: a broken guidance file or setting stops the start with
# one clear message instead of every worker crashing in a loop, and the workers share memory.
preload_app = True

# No request needs long (a concern is one small JSON body); a worker stuck for 30 s is killed.
timeout = 30
# On restart or upgrade, requests in flight (a concern being written) get this long to finish.
graceful_timeout = 20
# gunicorn's default sync workers, as the concurrency tests run them: one request per process
# at a time, which the storage's file locks are written for. (They ignore `keepalive`.)
worker_class = "sync"

# Trust X-Forwarded-Proto only from the proxy on this machine (Caddy on loopback); the app
# itself reads X-Forwarded-* through ProxyFix with WEGWIJZER_PROXY_COUNT=1.
forwarded_allow_ips = "127.0.0.1,::1"

# gunicorn's access log is off: its format carries the query string and the client address.
# The app writes one JSON line per request itself (method, path template, status, duration,
# request id; never a query string, a body, a token or a cookie).
accesslog = None
# Errors and start/stop messages to stderr, where journald (or the terminal) keeps them.
errorlog = "-"
loglevel = "info"
# gunicorn's own lines (workers started, a worker timed out) in the app's JSON-line format, so
# a log is one format from top to bottom (pwa/request_log.py decides what a line may hold).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"generic": {"()": "pwa.request_log.JsonLines"}},
    # A logging config turns gunicorn's access log back on, whatever `accesslog` says: its
    # lines carry the requested path (references) and the client's address. Silenced here.
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
    # gunicorn's default gives the root logger a handler too: the app's loggers, which write
    # their own JSON lines (and propagate, for the tests' log capture), would print each twice.
    "root": {"level": "WARNING", "handlers": []},
}

# No control socket (gunicorn 24+): by default it lands in $HOME/.gunicorn, which the service
# cannot write (ProtectHome) and which two servers on one machine would share. Reload and stop
# go through systemd's signals instead.
control_socket_disable = True
