"""The back office of the partners' API: tokens (made, shown once, revoked), webhook
endpoints, their deliveries with every attempt, redelivery, and the call log."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from conference.admin_mixins import (
    AuditLogAdmin,
    ConferenceFieldTimeMixin,
    ReadOnlyInline,
    SameConferenceChoicesMixin,
    local_time_column,
)
from conference.enums import DomainEvent

from .models import ApiCall, ApiToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .services import (
    api_token_create,
    api_token_save,
    api_tokens_revoke,
    webhook_deliveries_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_save,
)


@admin.register(ApiToken)
class ApiTokenAdmin(SameConferenceChoicesMixin, ConferenceFieldTimeMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "conference",
        "prefix",
        "can_read",
        "can_read_identity",
        "nomination_delegation",
        "checkin_zone",
        local_time_column(ApiToken, "expires_at"),
        local_time_column(ApiToken, "last_used_at"),
        local_time_column(ApiToken, "revoked_at"),
    ]
    list_filter = ["conference", "can_read_identity"]
    list_select_related = ["conference", "nomination_delegation", "checkin_zone"]
    search_fields = ["name", "prefix", "owner_email"]
    fields = [
        "conference",
        "name",
        "partner",
        "owner_email",
        "can_read",
        "can_read_identity",
        "nomination_delegation",
        "checkin_zone",
        "checkin_device",
        "expires_at",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = [
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    local_time_fields = ("expires_at",)
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None):
        # Revoked, never deleted: its calls stay in the log.
        return False

    def get_readonly_fields(self, request, obj=None):
        # A token's conference never changes: its key was given for that one.
        return [*self.readonly_fields, "conference"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            api_token_save(token=obj)
            return
        token, key = api_token_create(token=obj, by=request.user)
        messages.warning(
            request,
            _(
                "The token's key, shown this once (only its digest is kept): %(key)s — copy it "
                "now and hand it to the partner."
            )
            % {"key": key},
        )

    @admin.action(description=gettext_lazy("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = api_tokens_revoke(tokens=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
        )


class EndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", label=gettext_lazy("URL"))
    events = forms.MultipleChoiceField(
        choices=DomainEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("events"),
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "conference",
            "name",
            "url",
            "events",
            "owner_email",
            "owner_language",
            "is_active",
        ]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SameConferenceChoicesMixin, admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "conference", "url", "is_active", "consecutive_failures"]
    list_filter = ["conference", "is_active"]
    list_select_related = ["conference"]
    search_fields = ["name", "url", "owner_email"]
    readonly_fields = ["consecutive_failures", "disabled_at", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            webhook_endpoint_save(endpoint=obj)
            return
        endpoint, secret = webhook_endpoint_create(endpoint=obj)
        messages.warning(
            request,
            _(
                "The endpoint's signing secret, shown this once: %(secret)s — give it to the "
                "partner to verify the X-Plenary-Signature header."
            )
            % {"secret": secret},
        )


class AttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = ["at", "status_code", "error", "duration_ms"]
    show_change_link = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AuditLogAdmin):
    list_display = [
        "id",
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event", "endpoint__conference"]
    list_select_related = ["endpoint"]
    fields = [
        "endpoint",
        "event",
        "payload",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    ]
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["redeliver"]

    def has_change_permission(self, request, obj=None):
        # The redelivery action needs it; the fields stay read-only.
        return request.user.has_perm("api.change_webhookdelivery")

    @admin.action(description=gettext_lazy("Deliver the selected again"), permissions=["change"])
    def redeliver(self, request, queryset):
        count = webhook_deliveries_redeliver(deliveries=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
            )
            % {"count": count},
        )


@admin.register(ApiCall)
class ApiCallAdmin(AuditLogAdmin):
    list_display = ["at", "token", "method", "path", "status_code", "address"]
    list_filter = ["token__conference", "status_code"]
    list_select_related = ["token"]
    search_fields = ["path", "token__prefix", "token__name"]
    date_hierarchy = None
