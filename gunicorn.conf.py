"""gunicorn settings, read from the working directory (gunicorn loads ./gunicorn.conf.py itself).

gunicorn names itself in a ``Server`` header on every response and has no option to stop it;
telling the internet which server and version answer only helps whoever looks for a known
hole. This drops the header; the proxy in front may add its own (nginx: ``server_tokens off``).
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


wsgi.Response.default_headers = _default_headers_without_server
