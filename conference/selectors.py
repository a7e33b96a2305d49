from django.db.models import QuerySet

from .models import Conference


def public_conferences() -> QuerySet[Conference]:
    return Conference.objects.filter(is_public=True).order_by("-start_date", "title")
