from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = "Plenary"
admin.site.site_title = "Plenary"
admin.site.index_title = _("Conference administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    path("", include("sessions.inscription_urls")),
    # Before the nomination portal, whose first segment is any token.
    path("nominate/silence/", include("documents.portal_urls")),
    path("nominate/", include("participants.portal.urls")),
    path("desk/scanner/", include("participants.badging.device_urls")),
    path("desk/", include("participants.badging.urls")),
    path("<slug:conference_slug>/", include("sessions.urls")),
    path("<slug:conference_slug>/", include("documents.urls")),
    path("<slug:conference_slug>/", include("participants.letters.public_urls")),
    path("", include("conference.site.urls")),
]
# Nothing under MEDIA_URL is served, with DEBUG on or off: uploads are identity data (badge
# photos, notes verbales) and the admin serves each through a view that checks permissions.
