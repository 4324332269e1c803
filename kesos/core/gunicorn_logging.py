"""Gunicorn's access log without full NIKs: every atom (request line, query string, referer, headers)
passes through `kesos.core.redact.redact`. Named as `logger_class` in gunicorn.conf.py."""

from gunicorn.glogging import Logger

from .redact import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
