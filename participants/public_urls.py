"""Public pages of delegations, under /<conference_slug>/."""

from django.urls import path

from . import public_views

app_name = "delegations"

urlpatterns = [
    path("delegations/", public_views.delegation_list, name="list"),
]
