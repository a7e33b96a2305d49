"""Public pages of delegations and participants, under /<conference_slug>/."""

from django.urls import path

from participants.letters import public_views

app_name = "delegations"

urlpatterns = [
    path("delegations/", public_views.delegation_list, name="list"),
    path("participants/", public_views.participant_list, name="participants"),
    path("participants.pdf", public_views.participant_list_pdf, name="participants_pdf"),
]
