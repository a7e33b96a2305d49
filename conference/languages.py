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


def working_language_codes(working_languages: str) -> list[str]:
    """The site's language codes named in a conference's "English, Russian" field, in order.

    Names are matched in English or as codes; one the site cannot print in is left out,
    and with none left the site's default language stands in.
    """
    with translation.override("en"):
        by_name = {str(name).casefold(): code for code, name in settings.LANGUAGES}
    by_name.update({code: code for code, _name in settings.LANGUAGES})
    codes: list[str] = []
    for name in working_languages.split(","):
        code = by_name.get(name.strip().casefold())
        if code and code not in codes:
            codes.append(code)
    return codes or [settings.LANGUAGE_CODE.split("-")[0]]


def language_names_local(names: str) -> str:
    """A conference's "English, Russian" as the active language writes it: "английский, русский".

    Each name is read in English or as a code (babel's CLDR names); one it does not know is
    kept as typed.
    """
    from babel import Locale, UnknownLocaleError

    english = Locale("en").languages
    by_name = {name.casefold(): code for code, name in english.items()}
    try:
        local = Locale.parse((translation.get_language() or "en").replace("-", "_")).languages
    except (UnknownLocaleError, ValueError):
        local = english
    shown = []
    for name in names.split(","):
        name = name.strip()
        if not name:
            continue
        code = by_name.get(name.casefold()) or (name.lower() if name.lower() in english else None)
        shown.append(local.get(code, name) if code else name)
    return ", ".join(shown)
