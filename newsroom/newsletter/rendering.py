"""Turn an issue into e-mail messages: rendered once per language, then
personalised (the unsubscribe link) per recipient."""

import logging
from dataclasses import dataclass
from email.utils import parseaddr
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.templatetags.static import static
from django.utils import timezone, translation

from mediaportal.mail import build_message, render_mail
from newsroom.models import Article, HeroRendition

from . import selectors, tokens
from .models import NewsletterIssue, Subscriber
from .services import subscriber_url

logger = logging.getLogger(__name__)

# Rendering the templates for each of 10,000 recipients would cost more than
# sending; the only personal part is the link, so it is filled in afterwards.
UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/newsletter-placeholder"
TO_PLACEHOLDER = "recipient@placeholder.invalid"
MESSAGE_ID_PLACEHOLDER = "<message-id@placeholder.invalid>"
TOKEN_PLACEHOLDER = "token-placeholder"


@dataclass(frozen=True)
class RenderedIssue:
    language: str
    subject: str
    text: str
    html: str


def _absolute(url: str) -> str:
    return url if "://" in url else settings.SITE_URL + url


# The lead image is shown 600 px wide; a rendition twice that is sharp on
# high-density screens. JPEG, as some mail clients cannot show WebP.
LEAD_IMAGE_WIDTH = 600


def _logo_url() -> str:
    try:
        return _absolute(static(settings.SITE_LOGO))
    except ValueError:
        # No static manifest (collectstatic not run, as in bench/): a logo is
        # not worth failing a sending over; the plain name is served in development.
        logger.warning("no static manifest entry for %s; linking it unhashed", settings.SITE_LOGO)
        return _absolute(settings.STATIC_URL + settings.SITE_LOGO)


def _lead_image(article: Article) -> dict | None:
    if not article.hero_image:
        return None
    jpeg = list(
        HeroRendition.objects.filter(
            article=article, source=article.hero_image.name, format=HeroRendition.Format.JPEG
        ).order_by("width")
    )
    sharp = [r for r in jpeg if r.width >= 2 * LEAD_IMAGE_WIDTH]
    rendition = sharp[0] if sharp else (jpeg[-1] if jpeg else None)
    if rendition is None:
        return None  # not made yet: better no picture than the full-size original
    return {
        "url": _absolute(rendition.file.url),
        "width": LEAD_IMAGE_WIDTH,
        "height": round(LEAD_IMAGE_WIDTH * rendition.height / rendition.width),
        "alt": article.hero_alt,
    }


def issue_render(*, issue: NewsletterIssue, language: str) -> RenderedIssue:
    """The issue in ``language``: the portal's logo and name, the date, the
    lead story with its picture, then the other stories (HTML and text)."""
    with translation.override(language):
        featured = selectors.issue_articles(issue=issue, language=language)
        articles = [
            {
                "title": article.title,
                "standfirst": article.standfirst,
                "url": settings.SITE_URL + article.get_absolute_url(),
            }
            for article in featured
        ]
    if articles:
        articles[0]["image"] = _lead_image(featured[0])
    context = {
        "subject": issue.subject(language),
        "introduction": issue.introduction(language),
        "articles": articles,
        "lead": articles[0] if articles else None,
        "others": articles[1:],
        "date": issue.started_at or timezone.now(),
        "site_name": settings.SITE_NAME,
        "logo_url": _logo_url(),
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "site_url": settings.SITE_URL,
    }
    mail = render_mail(template_prefix="newsletter/email/issue", context=context, language=language)
    return RenderedIssue(language=language, subject=mail["subject"], text=mail["text"], html=mail["html"])


def issue_message(
    *, rendered: RenderedIssue, to: str, unsubscribe_url: str, subject_prefix: str = ""
) -> EmailMultiAlternatives:
    return build_message(
        {
            "to": [to],
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "subject": subject_prefix + rendered.subject,
            "text": rendered.text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url),
            "html": rendered.html.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url),
            "headers": {
                # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button
                # that POSTs "List-Unsubscribe=One-Click" to this URL.
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"<newsletter.{urlsplit(settings.SITE_URL).hostname}>",
                "Precedence": "bulk",
            },
        }
    )


def subscriber_message(*, rendered: RenderedIssue, subscriber: "Subscriber | Recipient") -> EmailMultiAlternatives:
    url = subscriber_url(
        name="unsubscribe", token=tokens.unsubscribe_token_make(subscriber), language=subscriber.language
    )
    return issue_message(rendered=rendered, to=subscriber.email, unsubscribe_url=url)


class Recipient(NamedTuple):
    """What a message needs to know of a subscriber."""

    pk: int
    email: str
    language: str


@dataclass(frozen=True)
class WireTemplate:
    """The whole message as SMTP bytes, with the per-recipient parts left as
    placeholders: building a MIME message costs more than sending it."""

    sender: str  # bare address, for MAIL FROM
    data: bytes
    unsubscribe_url: str  # with TOKEN_PLACEHOLDER for the signed token


def wire_template(*, rendered: RenderedIssue) -> WireTemplate | None:
    """None when the encoder moved a placeholder (e.g. a quoted-printable
    line break inside it): callers then build each message in full."""
    message = issue_message(rendered=rendered, to=TO_PLACEHOLDER, unsubscribe_url=UNSUBSCRIBE_PLACEHOLDER)
    message.extra_headers["Message-ID"] = MESSAGE_ID_PLACEHOLDER
    data = message.message().as_bytes(linesep="\r\n")
    expected = {TO_PLACEHOLDER: 1, UNSUBSCRIBE_PLACEHOLDER: 3, MESSAGE_ID_PLACEHOLDER: 1}
    if any(data.count(placeholder.encode()) != count for placeholder, count in expected.items()):
        return None
    sender = parseaddr(sanitize_address(message.from_email, message.encoding or settings.DEFAULT_CHARSET))[1]
    url = subscriber_url(name="unsubscribe", token=TOKEN_PLACEHOLDER, language=rendered.language)
    return WireTemplate(sender=sender, data=data, unsubscribe_url=url)


def wire_message(*, template: WireTemplate, recipient: Recipient, message_id: str) -> bytes | None:
    """The message for ``recipient`` from ``template``; None for addresses
    that need encoding (non-ASCII), which take the full path."""
    if not recipient.email.isascii():
        return None
    url = template.unsubscribe_url.replace(TOKEN_PLACEHOLDER, tokens.unsubscribe_token_make(recipient))
    return (
        template.data.replace(TO_PLACEHOLDER.encode(), recipient.email.encode())
        .replace(UNSUBSCRIBE_PLACEHOLDER.encode(), url.encode())
        .replace(MESSAGE_ID_PLACEHOLDER.encode(), message_id.encode())
    )
