"""The speakers' lists in the nomination portal, mounted beside it (see conference/urls.py)."""

from django.urls import path

from . import inscription_views as views

app_name = "inscription"

urlpatterns = [
    path("nominate/<str:token>/speakers/", views.speakers_lists, name="speakers_lists"),
    path("nominate/<str:token>/speakers/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("speak/<str:token>/", views.delegate_speakers_lists, name="delegate"),
    path(
        "speak/<str:token>/<int:pk>/withdraw/",
        views.delegate_withdraw,
        name="delegate_withdraw",
    ),
]
