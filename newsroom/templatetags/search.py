from django import template

from mediaportal.search import snippet_html

register = template.Library()


@register.filter
def snippet(text):
    """A search snippet from the database as HTML: escaped, matches in <mark>."""
    return snippet_html(text)
