from django.contrib import admin


class AuditLogAdmin(admin.ModelAdmin):
    """Audit rows are written by services only; the admin shows them and nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
