from django.urls import path

from participants.badging import views as desk

app_name = "desk"

urlpatterns = [
    path("", desk.desk_index, name="index"),
    path("photos/<int:pk>/", desk.photo, name="photo"),
    path("<slug:conference_slug>/", desk.desk, name="desk"),
]
