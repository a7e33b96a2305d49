"""Two-factor sign-in to the admin: the login form's code and the authenticator setup page.

The admin site (admin_mixins.PlenaryAdminSite) decides who must have a second factor; this
module asks for the code and enrols the authenticator. Codes are checked by django-otp, whose
TOTP device remembers the last time step it accepted, so a code cannot be used twice, and whose
recovery codes are deleted as they are used.
"""

import base64
import logging
import re
from functools import wraps

import segno
from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import selectors, services

logger = logging.getLogger(__name__)

SESSION_SETUP_DEVICE = "plenary_otp_setup_device"
TOTP_CODE = re.compile(r"\d{6}")


def second_factor_satisfied(user) -> bool:
    """The one second-factor rule for every staff page, in the admin and outside it.

    A session verified by a code passes; without one, only staff who need no second factor
    (selectors.otp_required) and have enrolled no device may go on.
    """
    if user.is_verified():
        return True
    return not selectors.otp_required(user) and not selectors.otp_has_device(user)


class TwoFactorLoginForm(AdminAuthenticationForm):
    """The admin login with a code from the authenticator app or a recovery code."""

    otp_token = forms.CharField(
        label=gettext_lazy("Code"),
        required=False,
        max_length=32,
        help_text=gettext_lazy(
            "The six digits from your authenticator app, or one of your recovery codes. "
            "Leave it empty if you have not set up a second factor yet."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None:
            user.otp_device = self._verified_device(user, cleaned.get("otp_token", ""))
        return cleaned

    def _verified_device(self, user, raw_token: str):
        # The devices are locked while a code is checked (for_verify), so two sign-ins cannot
        # both use one code. A refusal is raised after the transaction: the failure count
        # that throttles guessing must be saved, not rolled back.
        with transaction.atomic():
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if not devices:
                return None  # the admin site then sends them to set one up
            device, refusal = self._check(devices, raw_token.replace(" ", "").strip())
        if refusal:
            self._refuse(user, *refusal)
        return device

    def _check(self, devices, token: str):
        """The device that accepts ``token``, or None and why (for the log, for the person)."""
        if not token:
            return None, ("no code", _("Enter the code from your authenticator app."))
        # Six digits are an authenticator code, anything else a recovery code: each code is
        # tried on one kind of device only, so a typo does not throttle the other kind.
        kind = TOTPDevice if TOTP_CODE.fullmatch(token) else StaticDevice
        for device in devices:
            if not isinstance(device, kind):
                continue
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                why = _("Too many wrong codes in a row. Wait a minute, then try again.")
                return None, ("throttled", why)
            if device.verify_token(token):
                return device, None
        why = _("This code is wrong or was already used. Enter a new code.")
        return None, ("wrong or used code", why)

    def _refuse(self, user, why: str, message: str):
        logger.warning("Two-factor sign-in refused for user id %s: %s", user.pk, why)
        raise forms.ValidationError(message, code="otp_refused")


class ConfirmDeviceForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code shown by the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


@never_cache
def setup_view(request, admin_site):
    """Enrol an authenticator app: show its secret, check its first code, show recovery codes."""
    user = request.user
    if not (user.is_active and user.is_staff):
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('admin:login')}?{query}")
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(SESSION_SETUP_DEVICE)
    ).first()
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        codes = services.otp_totp_device_confirm(device=device, token=form.cleaned_data["token"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            request.session.pop(SESSION_SETUP_DEVICE, None)
            logger.info("Two-factor device confirmed for user id %s", user.pk)
            context = {**admin_site.each_context(request), "codes": codes}
            context["next"] = _safe_next(request)
            return render(request, "admin/otp_recovery_codes.html", context)
        form.add_error("token", _("This code does not match. Enter the code the app shows now."))
    if device is None:
        device = services.otp_totp_device_start(user=user)
        request.session[SESSION_SETUP_DEVICE] = device.pk
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        **admin_site.each_context(request),
        "title": _("Set up two-factor sign-in"),
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "otpauth_uri": device.config_url,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000"),
        "required": selectors.otp_required(user),
        "next": _safe_next(request),
    }
    return render(request, "admin/otp_setup.html", context)


def ask_for_a_device(request, next_url: str):
    """After a sign-in without a second factor: to the setup page, with the reason."""
    if selectors.otp_required(request.user):
        messages.warning(
            request,
            _("Your account can see identity data: set up two-factor sign-in to continue."),
        )
    else:
        messages.info(request, _("Please set up two-factor sign-in for your account."))
    return redirect(f"{reverse('admin:otp_setup')}?{urlencode({'next': next_url})}")


def staff_with(check):
    """Login through the admin with its second factor, then ``check(user)`` or 403."""

    def decorator(view):
        @never_cache
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or not second_factor_satisfied(user):
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
