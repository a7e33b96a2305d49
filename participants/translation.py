"""Participant content in every language (see conference/translation.py).

The Russian honorific and functional title are optional: an empty one reads as the English.
A badge category's name and printed label are kept the same way; the badge prints both
languages of the label at once, so it reads ``label_en`` and ``label_ru`` themselves.
"""

from modeltranslation.translator import TranslationOptions, register

from participants.models import AccessZone, BadgeCategory, Participant


@register(AccessZone)
class AccessZoneTranslation(TranslationOptions):
    # The desk and the door read the zone's name in the officer's language.
    fields = ("name",)


@register(BadgeCategory)
class BadgeCategoryTranslation(TranslationOptions):
    fields = ("name", "label")


@register(Participant)
class ParticipantTranslation(TranslationOptions):
    fields = ("honorific", "functional_title")
