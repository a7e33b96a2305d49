from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Plenary"
admin.site.site_title = "Plenary"
admin.site.index_title = "Conference administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("nominate/", include("participants.urls")),
    path("desk/", include("participants.desk_urls")),
    path("<slug:conference_slug>/", include("sessions.urls")),
    path("<slug:conference_slug>/", include("conference.document_urls")),
    path("", include("conference.public_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
