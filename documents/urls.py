"""Public outcome documents and recommendations of a conference, under /<conference_slug>/."""

from django.urls import path

from . import screen
from . import views as document_views

app_name = "documents"

urlpatterns = [
    path("documents/", document_views.document_list, name="list"),
    path("documents/<slug:document_slug>/", document_views.document_detail, name="detail"),
    path("documents/<slug:document_slug>/pdf/", document_views.document_pdf, name="pdf"),
    path(
        "documents/<slug:document_slug>/compare/",
        document_views.document_compare,
        name="compare",
    ),
    path("documents/<slug:document_slug>/draft/", document_views.document_draft, name="draft"),
    path("documents/<slug:document_slug>/screen/", screen.screen, name="screen"),
    path("recommendations/", document_views.recommendation_list, name="recommendations"),
]
