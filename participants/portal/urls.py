from django.urls import path

from participants.portal import views

app_name = "participants"

urlpatterns = [
    path("<str:token>/", views.delegation_page, name="portal"),
    path("<str:token>/members/add/", views.member_add, name="portal_member_add"),
    path("<str:token>/members/<int:pk>/", views.member_edit, name="portal_member_edit"),
    path(
        "<str:token>/members/<int:pk>/withdraw/",
        views.member_withdraw,
        name="portal_member_withdraw",
    ),
    path(
        "<str:token>/members/<int:pk>/visa-letter/",
        views.visa_letter,
        name="portal_visa_letter",
    ),
    path("<str:token>/note-verbale/", views.note_verbale, name="portal_note_verbale"),
]
