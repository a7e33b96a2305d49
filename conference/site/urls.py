"""The public site's own pages; each app adds its pages under /<conference_slug>/ itself."""

from django.urls import path

from . import views

app_name = "site"

urlpatterns = [
    path("", views.conference_index, name="index"),
    path("language/", views.switch_language, name="language"),
    path("<slug:conference_slug>/", views.conference_home, name="home"),
]
