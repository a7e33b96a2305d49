"""Outcome documents in every language (see conference/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import BracketOption, DocumentVersion, OutcomeDocument, Paragraph, Recommendation


@register(OutcomeDocument)
class OutcomeDocumentTranslation(TranslationOptions):
    fields = ("title",)


@register(DocumentVersion)
class DocumentVersionTranslation(TranslationOptions):
    fields = ("label",)


@register(Paragraph)
class ParagraphTranslation(TranslationOptions):
    fields = ("text",)


@register(Recommendation)
class RecommendationTranslation(TranslationOptions):
    fields = ("text", "theme")


@register(BracketOption)
class BracketOptionTranslation(TranslationOptions):
    fields = ("text",)
