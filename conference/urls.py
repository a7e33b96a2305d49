from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Plenary"
admin.site.site_title = "Plenary"
admin.site.index_title = "Conference administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    path("nominate/", include("participants.urls")),
    path("desk/", include("participants.desk_urls")),
    path("<slug:conference_slug>/", include("sessions.urls")),
    path("<slug:conference_slug>/", include("documents.urls")),
    path("<slug:conference_slug>/", include("participants.public_urls")),
    path("", include("conference.site.urls")),
]
# Nothing under MEDIA_URL is served, with DEBUG on or off: uploads are identity data (badge
# photos, notes verbales) and the admin serves each through a view that checks permissions.
