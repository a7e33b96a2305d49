from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from conference.urls import urlpatterns as project_urlpatterns
from sessions.models import Session
from sessions.services import agenda_item_save


def trivial(request: HttpRequest) -> HttpResponse:
    """The floor: the full middleware stack and nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def rename(request: HttpRequest, pk: int) -> HttpResponse:
    """A change made through this server, by the service the admin calls (benchmark only)."""
    session = Session.objects.get(pk=pk)
    session.title = request.POST["title"]
    agenda_item_save(item=session)
    return HttpResponse("renamed", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/rename/<int:pk>/", rename),
    *project_urlpatterns,
]
