"""Scopes: each endpoint names the one it needs; the token must hold it."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .enums import Scope
from .models import ApiToken


class _ScopePermission(BasePermission):
    scope: str
    message = _("This token does not have the scope this endpoint needs.")
    code = "scope_missing"

    def has_permission(self, request, view) -> bool:
        token = request.auth
        return isinstance(token, ApiToken) and self.scope in token.scopes


class ReadScope(_ScopePermission):
    scope = Scope.READ


class IdentityScope(_ScopePermission):
    scope = Scope.IDENTITY


class NominationScope(_ScopePermission):
    scope = Scope.NOMINATIONS


class CheckinScope(_ScopePermission):
    scope = Scope.CHECKIN
