"""Template tags that render a paragraph's brackets, the same way on every page."""

from django import template

from documents import brackets

register = template.Library()


@register.simple_tag
def paragraph_segments(paragraph, language=None):
    """The paragraph as plain and bracketed runs, in ``language`` or the active language."""
    return brackets.segments(paragraph, language)


@register.inclusion_tag("documents/_segments.html")
def negotiated_text(paragraph, language=None):
    return {"segments": brackets.segments(paragraph, language)}
