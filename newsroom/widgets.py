"""The article body's editor: a textarea that ``newsroom/article-editor.js``
turns into a small rich-text editor (contenteditable, a toolbar, a preview).
The labels travel as data attributes, translated here: the site's CSP allows
no inline script to carry them."""

from django import forms
from django.utils.translation import gettext_lazy as _

LABELS = {
    "toolbar": _("Formatting"),
    "paragraph": _("Paragraph"),
    "heading2": _("Heading"),
    "heading3": _("Subheading"),
    "bold": _("Bold"),
    "italic": _("Italic"),
    "bullets": _("Bulleted list"),
    "numbers": _("Numbered list"),
    "quote": _("Quotation"),
    "link": _("Link"),
    "link-prompt": _("Address of the link (https://…)"),
    "unlink": _("Remove link"),
    "source": _("HTML"),
    "preview": _("Preview"),
    "preview-heading": _("Preview: the body as the site will show it"),
    "preview-failed": _("The preview could not be made. Try again."),
}


class RichTextarea(forms.Textarea):
    def __init__(self, *, preview_url: str = "", attrs=None):
        attrs = {"data-rich-text": "", "rows": 16, **(attrs or {})}
        attrs.update({f"data-label-{key}": label for key, label in LABELS.items()})
        super().__init__(attrs)
        self.preview_url = preview_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.preview_url:
            context["widget"]["attrs"]["data-preview-url"] = self.preview_url
        return context
