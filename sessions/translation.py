"""Agenda content in every language (see conference/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Room, Session


@register(Room)
class RoomTranslation(TranslationOptions):
    fields = ("name",)


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")
