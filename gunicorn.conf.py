"""gunicorn settings, read from the working directory (gunicorn loads ./gunicorn.conf.py itself).

gunicorn names itself in a ``Server`` header on every response and has no option to stop it;
telling the internet which server and version answer only helps whoever looks for a known
hole. This drops the header; the proxy in front may add its own (nginx: ``server_tokens off``).

The access log (``--access-logfile -``) names a nomination link by a digest of its token, never
the token: whoever reads the log must not be able to nominate (conference/security.py).
"""

from gunicorn import glogging
from gunicorn.http import wsgi

from conference.security import redact_tokens

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


wsgi.Response.default_headers = _default_headers_without_server


class RedactingLogger(glogging.Logger):
    """gunicorn's logger with every string of an access-log line's atoms token-free."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact_tokens(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = RedactingLogger
