from django.http import HttpResponse
from django.test import RequestFactory

from conference.security import PermissionsPolicyMiddleware, permissions_policy


def test_the_camera_is_refused_everywhere_unless_a_view_allows_it(rf: RequestFactory):
    @permissions_policy(camera="(self)")
    def desk(request):
        return HttpResponse("desk")

    def page(request):
        return HttpResponse("page")

    plain = PermissionsPolicyMiddleware(page)(rf.get("/"))
    assert plain["Permissions-Policy"] == (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    )
    allowed = PermissionsPolicyMiddleware(desk)(rf.get("/desk/"))
    assert allowed["Permissions-Policy"] == (
        "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
    )


def test_admin_pages_carry_the_policy(organizer):
    response = organizer.get("/admin/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
