from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

v1 = [
    path("conferences/", views.ConferenceList.as_view(), name="conference-list"),
    path("conferences/<int:pk>/", views.ConferenceDetail.as_view(), name="conference-detail"),
    path("delegations/", views.DelegationList.as_view(), name="delegation-list"),
    path("delegations/<int:pk>/", views.DelegationDetail.as_view(), name="delegation-detail"),
    path("participants/", views.ParticipantList.as_view(), name="participant-list"),
    path("participants/<int:pk>/", views.ParticipantDetail.as_view(), name="participant-detail"),
    path(
        "participants/<int:pk>/photo/",
        views.ParticipantPhoto.as_view(),
        name="participant-photo",
    ),
    path("sessions/", views.SessionList.as_view(), name="session-list"),
    path("sessions/<int:pk>/", views.SessionDetail.as_view(), name="session-detail"),
    path("sessions/<int:pk>/speakers/", views.SpeakersList.as_view(), name="session-speakers"),
    path("documents/", views.DocumentList.as_view(), name="document-list"),
    path("documents/<int:pk>/", views.DocumentDetail.as_view(), name="document-detail"),
    path("nominations/", views.NominationList.as_view(), name="nomination-list"),
    path("nominations/<int:pk>/", views.NominationDetail.as_view(), name="nomination-detail"),
    path("checkins/", views.Checkin.as_view(), name="checkin"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]

urlpatterns = [path("v1/", include(v1))]
