"""Admin building blocks every app's admin shares."""

from django.contrib import admin
from django.db import transaction


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes go through the app's services.

    The services validate, write and retire the public pages that show the object;
    the admin only hands them what the form collected.
    """

    def save_object(self, request, obj, form) -> None:
        raise NotImplementedError

    def delete_object(self, request, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        self.save_object(request, obj, form)

    def delete_model(self, request, obj):
        self.delete_object(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_object(request, obj)


class AuditLogAdmin(admin.ModelAdmin):
    """Audit rows are written by services only; the admin shows them and nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown on a change page; they change elsewhere, through services."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
