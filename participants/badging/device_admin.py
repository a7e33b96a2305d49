"""The admin of scanner devices and zone openings, and the pairing page.

A security officer signed in with the second factor opens the pairing page, picks a
conference's zones and names the device; the page shows a one-time QR code (ten minutes) that
the phone opens in the door app, which trades it for the device's own key. Devices are listed,
renamed, re-paired and revoked here; each call goes through ``services``.
"""

from __future__ import annotations

import segno
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.admin_mixins import SameConferenceChoicesMixin
from conference.models import Conference
from participants.badging import selectors, services
from participants.models import AccessZone, ScannerDevice, ZoneOpening


def _may_pair(request) -> None:
    """Pairing makes a credential: the pair permission and a session verified by a code."""
    user = request.user
    if not (selectors.can_pair_scanners(user) and user.is_verified()):
        raise PermissionDenied


class PairingForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Device name"), max_length=100)
    zones = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Zones"),
        queryset=AccessZone.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = conference.access_zones.order_by("code")


def _pairing_page(request, *, device: ScannerDevice, code: str, admin_site):
    url = request.build_absolute_uri(reverse("scanner:app")) + "#pair=" + code
    context = {
        **admin_site.each_context(request),
        "title": _("Pair %(device)s") % {"device": device.name},
        "device": device,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=5, dark="#000", omitsize=True),
        "pair_link": url,
        "expires": device.conference.local_text(device.pairing_expires_at),
        "zones": ", ".join(sorted(zone.code for zone in device.zones.all())),
    }
    return render(request, "admin/participants/scanner_pairing.html", context)


@admin.register(ScannerDevice)
class ScannerDeviceAdmin(SameConferenceChoicesMixin, admin.ModelAdmin):
    list_display = ["name", "conference", "zone_codes", "paired_at", "last_seen_at", "state"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name"]
    fields = ["name", "zones", "conference", "paired_at", "last_seen_at", "revoked_at"]
    readonly_fields = ["conference", "paired_at", "last_seen_at", "revoked_at"]
    filter_horizontal = ["zones"]
    actions = ["pair_again", "revoke_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("zones")

    @admin.display(description=gettext_lazy("zones"))
    def zone_codes(self, obj: ScannerDevice) -> str:
        return format_html_join(" ", "<code>{}</code>", ((z.code,) for z in obj.zones.all()))

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj: ScannerDevice) -> str:
        if obj.revoked_at:
            return _("revoked")
        return _("paired") if obj.key_hash else _("waiting for pairing")

    def has_add_permission(self, request):
        return selectors.can_pair_scanners(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # its scans keep it; revoke instead

    def add_view(self, request, form_url="", extra_context=None):
        return self.pair_new_view(request)  # adding a device is pairing it

    def save_model(self, request, obj, form, change):
        try:
            services.scanner_device_save(device=obj, zones=form.cleaned_data["zones"])
        except ValidationError as error:  # pragma: no cover - the form scopes the zones
            raise PermissionDenied(error.messages) from error

    def save_related(self, request, form, formsets, change):
        pass  # the service set the zones

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("pair/", view(self.pair_new_view), name="participants_scannerdevice_pair"),
            *super().get_urls(),
        ]

    def pair_new_view(self, request):
        _may_pair(request)
        conferences = Conference.objects.order_by("-start_date")
        pk = request.POST.get("conference") or request.GET.get("conference")
        conference = (
            conferences.filter(pk=pk).first() if pk and pk.isdigit() else conferences.first()
        )
        if conference is None:
            messages.error(request, _("There is no conference yet."))
            return redirect("admin:index")
        form = PairingForm(request.POST or None, conference=conference)
        if request.method == "POST" and form.is_valid():
            device, code = services.scanner_device_create(
                conference=conference,
                name=form.cleaned_data["name"],
                zones=form.cleaned_data["zones"],
                by=request.user,
            )
            return _pairing_page(request, device=device, code=code, admin_site=self.admin_site)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Pair a scanner device"),
            "form": form,
            "conference": conference,
            "conferences": conferences,
            "opts": self.opts,
        }
        return render(request, "admin/participants/scanner_pair_form.html", context)

    def has_pair_permission(self, request) -> bool:
        return selectors.can_pair_scanners(request.user)

    @admin.action(
        description=gettext_lazy("Pair the selected device again (new code)"),
        permissions=["pair"],
    )
    def pair_again(self, request, queryset):
        _may_pair(request)
        devices = list(queryset.select_related("conference")[:2])
        if len(devices) != 1:
            self.message_user(request, _("Select one device to pair."), messages.ERROR)
            return None
        try:
            code = services.scanner_device_pairing_issue(device=devices[0])
        except services.ScannerError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        return _pairing_page(request, device=devices[0], code=code, admin_site=self.admin_site)

    @admin.action(description=gettext_lazy("Revoke the selected devices"), permissions=["pair"])
    def revoke_selected(self, request, queryset):
        if not selectors.can_pair_scanners(request.user):
            raise PermissionDenied
        devices = list(queryset)
        for device in devices:
            services.scanner_device_revoke(device=device, by=request.user)
        self.message_user(
            request, _("%(n)s devices revoked.") % {"n": len(devices)}, messages.SUCCESS
        )


class ZoneOpeningInline(SameConferenceChoicesMixin, admin.TabularInline):
    """A zone's openings on its own page; the category choices are the zone's conference's."""

    model = ZoneOpening
    extra = 0
    fields = ["category", "day", "opens", "closes"]


@admin.register(ZoneOpening)
class ZoneOpeningAdmin(admin.ModelAdmin):
    list_display = ["zone", "category", "day", "opens", "closes"]
    list_filter = ["zone__conference"]
    list_select_related = ["zone__conference", "category"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The category of an opening is of its zone's conference: on a change page the
        # edited opening's; else each choice names its conference and clean() refuses a mix.
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("category", "zone"):
            field.queryset = field.queryset.select_related("conference")
            opening_id = request.resolver_match.kwargs.get("object_id")
            opening = ZoneOpening.objects.filter(pk=opening_id).first() if opening_id else None
            if opening is not None:
                field.queryset = field.queryset.filter(conference_id=opening.zone.conference_id)
            else:
                field.label_from_instance = lambda obj: f"{obj} · {obj.conference}"
        return field
