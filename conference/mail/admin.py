from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy, ngettext
from modeltranslation.admin import TranslationAdmin

from conference.admin_mixins import (
    AuditLogAdmin,
    ConferenceFieldTimeMixin,
    ServiceAdmin,
    local_time_column,
)

from . import services
from .enums import OutboxStatus
from .models import MailTemplate, OutboxMessage


@admin.register(MailTemplate)
class MailTemplateAdmin(TranslationAdmin, ServiceAdmin):
    """One template per kind of message: the kinds are the apps', the wording the organizers'."""

    list_display = ["__str__", "key", "subject", "updated_at"]
    fields = ["key", "placeholders", "subject", "body"]
    readonly_fields = ["key", "placeholders"]

    @admin.display(description=gettext_lazy("placeholders"))
    def placeholders(self, template: MailTemplate) -> str:
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{{{}}}</code> — {}</li>",
                template.kind.placeholders.items(),
            ),
        )

    def has_add_permission(self, request):
        return False  # one per kind, seeded

    def has_delete_permission(self, request, obj=None):
        return False

    def save_object(self, request, obj, form):
        services.mail_template_save(template=obj)

    def delete_object(self, request, obj):
        raise NotImplementedError


class OutboxStatusFilter(admin.SimpleListFilter):
    """By status; "may have gone out" first, since those wait for an organizer's decision."""

    title = gettext_lazy("status")
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        first = OutboxStatus.UNSURE
        return [(first.value, first.label)] + [
            (status.value, status.label) for status in OutboxStatus if status != first
        ]

    def queryset(self, request, queryset):
        if self.value() in OutboxStatus.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ConferenceFieldTimeMixin, AuditLogAdmin):
    """Every message sent or to be sent, as it was rendered; failed ones can be queued again."""

    list_display = [
        local_time_column(OutboxMessage, "created_at"),
        "recipient",
        "subject",
        "language",
        "status",
        "attempts",
    ]
    list_filter = [OutboxStatusFilter, "kind", "language", "conference"]
    search_fields = ["recipient", "subject"]
    list_select_related = ["conference"]
    date_hierarchy = "created_at"
    actions = ["retry_failed", "resend_unsure", "mark_sent"]
    fields = [
        "conference",
        "kind",
        "recipient",
        "language",
        "subject",
        "body_text",
        "html_preview",
        "status",
        "attempts",
        "last_error",
        "idempotency_key",
        "created_at",
        "last_attempt_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("HTML"))
    def html_preview(self, message: OutboxMessage) -> str:
        # The stored HTML was escaped when rendered; shown in a sandbox all the same.
        return format_html(
            '<iframe sandbox srcdoc="{}" style="width:100%;height:20em;border:1px solid #ccc">'
            "</iframe>",
            message.body_html,
        )

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("mail.change_outboxmessage")

    @admin.action(description=gettext_lazy("Retry the failed messages"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = services.outbox_retry(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed message queued again.",
                "%(count)d failed messages queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )

    @admin.action(
        description=gettext_lazy("Send again the messages that may have gone out"),
        permissions=["retry"],
    )
    def resend_unsure(self, request, queryset):
        count = services.outbox_resend(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued again; its recipient may receive it twice.",
                "%(count)d messages queued again; their recipients may receive them twice.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )

    @admin.action(
        description=gettext_lazy("Mark the messages that may have gone out as sent"),
        permissions=["retry"],
    )
    def mark_sent(self, request, queryset):
        count = services.outbox_mark_sent(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message marked as sent.", "%(count)d messages marked as sent.", count
            )
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )
