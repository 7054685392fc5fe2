"""gunicorn's own logs (access and errors) in the same JSON lines as the site's (ops/logs.py)."""

from gunicorn import glogging

from .logs import JSONFormatter


class JSONLogger(glogging.Logger):
    """Keeps gunicorn's handlers (access log to stdout, errors to stderr), in JSON."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in [*self.access_log.handlers, *self.error_log.handlers]:
            handler.setFormatter(JSONFormatter())
