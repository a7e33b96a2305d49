"""Content languages: the columns django-modeltranslation keeps for each translated field."""

from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname


def in_each_language(field: str, message: Callable[[], str]) -> dict[str, str]:
    """``{"label_en": …, "label_ru": …}``: ``message()`` rendered in each content language.

    For values the system writes itself ("Zero draft", "Rev.2"): each column gets the
    catalogue's wording, so no language falls back to another.
    """
    values = {}
    for language in settings.MODELTRANSLATION_LANGUAGES:
        with translation.override(language):
            values[build_localized_fieldname(field, language)] = str(message())
    return values
