"""Each template's subject and body in every language (see conference/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import MailTemplate


@register(MailTemplate)
class MailTemplateTranslation(TranslationOptions):
    fields = ("subject", "body")
    # An empty Russian text is written in English; the English one is required.
    required_languages = ("en",)
