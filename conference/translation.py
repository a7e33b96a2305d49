"""Content kept in every language: django-modeltranslation adds ``title_en``, ``title_ru``…"""

from modeltranslation.translator import TranslationOptions, register

from .models import Conference, Organization


@register(Conference)
class ConferenceTranslation(TranslationOptions):
    fields = (
        "title",
        "short_title",
        "theme",
        "city",
        "venue_name",
        "letterhead_address",
        "signatory_name",
        "signatory_title",
    )


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "acronym")
