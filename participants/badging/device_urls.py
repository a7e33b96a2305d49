"""The door scanner app and its device-key API, under /desk/scanner/."""

from django.urls import path

from participants.badging import device_api

app_name = "scanner"

urlpatterns = [
    path("", device_api.scanner_app, name="app"),
    path("sw.js", device_api.service_worker, name="worker"),
    path("manifest.webmanifest", device_api.manifest, name="manifest"),
    path("api/pair/", device_api.pair, name="pair"),
    path("api/<slug:conference_slug>/snapshot/", device_api.snapshot, name="snapshot"),
    path("api/<slug:conference_slug>/changes/", device_api.changes, name="changes"),
    path("api/<slug:conference_slug>/scan/", device_api.scan, name="scan"),
    path("api/<slug:conference_slug>/sync/", device_api.sync, name="sync"),
]
