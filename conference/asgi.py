"""The ASGI entry point: Django's HTTP views and the projectors' WebSockets (/ws/).

Production serves HTTP with gunicorn (conference.wsgi) and /ws/ with daphne on this module,
behind the same proxy (README, "Live floor"); `make run` serves both from runserver, which
daphne turns into an ASGI server.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
# Django first: the routes below import models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from sessions.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        # The browser's Origin must be one of ALLOWED_HOSTS: no other site's page listens in.
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
