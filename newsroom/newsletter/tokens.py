"""Signed tokens in the links we e-mail. Nothing is stored: the signature
(``SECRET_KEY`` + a salt per purpose) is the proof."""

from django.conf import settings
from django.core import signing

from .models import Subscriber

CONFIRM_SALT = "newsroom.newsletter.confirm"
UNSUBSCRIBE_SALT = "newsroom.newsletter.unsubscribe"


class InvalidToken(Exception):
    pass


def confirm_token_make(subscriber: Subscriber) -> str:
    # Bound to the request time: a new request (or an unsubscribe in
    # between) makes older confirmation links useless.
    return signing.dumps([subscriber.pk, subscriber.requested_at.isoformat()], salt=CONFIRM_SALT)


def confirm_token_read(token: str) -> tuple[int, str]:
    """Returns (subscriber id, request time); raises InvalidToken."""
    try:
        pk, requested_at = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidToken from exc
    return pk, requested_at


def unsubscribe_token_make(subscriber) -> str:
    """``subscriber``: anything with the subscriber's ``pk``."""
    # No expiry: an unsubscribe link in a years-old newsletter must still work.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.pk))


def unsubscribe_token_read(token: str) -> int:
    try:
        return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError) as exc:
        raise InvalidToken from exc
