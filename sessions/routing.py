"""WebSocket routes, under /ws/ so the proxy sends them to the ASGI server (README)."""

from django.urls import path

from .consumers import FloorConsumer

websocket_urlpatterns = [
    path(
        "ws/<slug:conference_slug>/sessions/<int:pk>/floor/",
        FloorConsumer.as_asgi(),
        name="floor_ws",
    ),
]
