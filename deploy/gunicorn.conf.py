"""gunicorn settings for Waypost: `gunicorn -c deploy/gunicorn.conf.py waypost.wsgi`.

Logs hold no client address and no query string (a search can hold a reader's place):
the access log writes method, path, status, size and time; every gunicorn message passes
through `waypost.logfilters.NoClientAddress`, which removes addresses gunicorn writes itself
(a malformed request is logged with the sender's address).
"""

import os

bind = os.environ.get("WAYPOST_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Workers sized to the machine; the database and templates make a request mostly CPU-bound.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
timeout = 30
# No control socket: its default place is one per user ($HOME/.gunicorn), which two servers
# of one user would share, and which systemd's ProtectHome hides. Reload with a HUP signal.
control_socket_disable = True
graceful_timeout = 30
# The reverse proxy on this machine may say the request came over HTTPS (X-Forwarded-Proto);
# the reader's address it sends (X-Real-IP) is read by Waypost (WAYPOST_TRUSTED_PROXIES).
forwarded_allow_ips = "127.0.0.1"

accesslog = "-"
errorlog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"

_FILTERS = ["no_client_address"]
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_address": {"()": "waypost.logfilters.NoClientAddress"}},
    "formatters": {"plain": {"format": "%(asctime)s [%(process)d] %(levelname)s %(message)s"}},
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": _FILTERS,
            "stream": "ext://sys.stderr",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": _FILTERS,
            "stream": "ext://sys.stdout",
        },
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["error"], "level": "WARNING"},
}
