"""The silence procedure's page for focal points, under the portal's /nominate/silence/."""

from django.urls import path

from . import portal

app_name = "silence_portal"

urlpatterns = [path("<str:token>/", portal.break_silence, name="break")]
