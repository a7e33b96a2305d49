"""``Authorization: Bearer <key>``: the only way in. A revoked or expired token is refused."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .selectors import token_for_key


class TokenRefused(exceptions.AuthenticationFailed):
    def __init__(self, detail, *, code: str, token=None):
        super().__init__(detail, code=code)
        self.token = token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _sep, key = header.partition(" ")
        if keyword != self.keyword or not key.strip():
            raise TokenRefused(
                _("Send the token as “Authorization: Bearer <token>”."), code="bad_authorization"
            )
        token = token_for_key(key.strip())
        if token is None:
            raise TokenRefused(_("This token is unknown."), code="unknown_token")
        refusal = token.refusal()
        # The call is logged with the token even when it is refused.
        request._request.api_token = token
        if refusal == "revoked":
            raise TokenRefused(_("This token has been revoked."), code="revoked_token", token=token)
        if refusal == "expired":
            raise TokenRefused(_("This token has expired."), code="expired_token", token=token)
        return (None, token)

    def authenticate_header(self, request):
        return self.keyword
