"""The public site: the list of conferences and each conference's own pages."""

from django.urls import path

from . import views

app_name = "site"

urlpatterns = [
    path("", views.conference_index, name="index"),
    path("language/", views.switch_language, name="language"),
    path("<slug:conference_slug>/", views.conference_home, name="home"),
    path("<slug:conference_slug>/delegations/", views.delegation_list, name="delegations"),
]
