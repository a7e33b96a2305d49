from django.contrib import admin

from .models import Room, Session, Statement


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "conference", "capacity", "interpretation_languages"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name"]
    autocomplete_fields = ["conference"]


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    fields = [
        "order",
        "speaker",
        "delegation",
        "on_behalf_of",
        "mode",
        "allotted_minutes",
        "status",
        "is_right_of_reply",
    ]
    autocomplete_fields = ["speaker", "delegation"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "delegation")


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "conference",
        "kind",
        "starts_at",
        "ends_at",
        "room",
        "chair",
        "is_public",
    ]
    list_filter = ["conference", "kind", "room", "is_public"]
    list_select_related = ["conference", "room", "chair"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["conference", "room", "chair"]
    inlines = [StatementInline]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = [
        "speaker",
        "session",
        "delegation",
        "mode",
        "order",
        "allotted_minutes",
        "status",
    ]
    list_filter = ["mode", "status", "session__conference", "is_right_of_reply"]
    list_select_related = ["speaker", "session", "delegation"]
    search_fields = ["speaker__family_name", "session__title", "title", "on_behalf_of"]
    autocomplete_fields = ["session", "speaker", "delegation"]
