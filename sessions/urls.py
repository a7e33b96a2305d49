"""Agenda pages and feeds of one conference, under /<conference_slug>/."""

from django.urls import path

from . import console, feeds, views

app_name = "agenda"

urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/print/", views.agenda_print, name="agenda_print"),
    path("agenda.ics", feeds.agenda_ics, name="agenda_ics"),
    path("agenda.json", feeds.agenda_json, name="agenda_json"),
    path("schedule.xml", feeds.schedule_xml, name="schedule_xml"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/floor.json", views.session_floor, name="session_floor"),
    path("sessions/<int:pk>/console/", console.console, name="console"),
    path("sessions/<int:pk>/projector/", console.projector, name="projector"),
    path("sessions/<int:pk>.ics", feeds.session_ics, name="session_ics"),
    path("speakers/", views.speaker_index, name="speakers"),
    path("speakers/<int:pk>/", views.speaker_detail, name="speaker"),
]
