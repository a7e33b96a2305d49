"""Participant content in every language (see conference/translation.py).

The Russian honorific and functional title are optional: an empty one reads as the English.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import AccessZone, BadgeCategory, Participant


@register(AccessZone)
class AccessZoneTranslation(TranslationOptions):
    # The desk and the door read the zone's name in the officer's language.
    fields = ("name",)


@register(BadgeCategory)
class BadgeCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Participant)
class ParticipantTranslation(TranslationOptions):
    fields = ("honorific", "functional_title")
