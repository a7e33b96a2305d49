"""Participant content in every language (see conference/translation.py).

The Russian honorific and functional title are optional: an empty one reads as the English.
"""

from modeltranslation.translator import TranslationOptions, register

from participants.models import BadgeCategory, Participant


@register(BadgeCategory)
class BadgeCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Participant)
class ParticipantTranslation(TranslationOptions):
    fields = ("honorific", "functional_title")
