"""The OpenAPI schema's description of our token authentication and error shape."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A partner's token from the organizers: `Authorization: Bearer plen_…`. "
                "Scopes: read, identity (with read; `?include=identity`), nominations for one "
                "delegation, check-in at one zone. Every refusal answers "
                '`{"error": {"code": "…", "message": "…", "fields": {…}}}`.'
            ),
        }
