"""Why a master cannot be used, in words staff understand, in their language.

The media code raises errors with a short ``code`` (``ProbeError.code``,
``WebVersionError.code``); the row keeps that code, and these messages are
rendered in the reader's language when shown (the admin's upload check and
the video's status alike). FFmpeg's own detail stays in ``failure_reason``."""

from django.utils.translation import gettext_lazy as _

PROBLEMS = {
    "unreadable": _("This file is not a video we can read. Check that you chose the right file."),
    "no_video": _("This file has no picture: it may be a sound recording. Upload the video file."),
    "damaged": _("This video file is damaged or incomplete. Upload it again."),
    "truncated": _(
        "This video file is incomplete: it stops long before the end it announces. "
        "The upload or copy was probably interrupted; upload the complete file."
    ),
    "still_image": _("This is a still image, not a video. Upload the video file."),
    "not_video": _("This is a text or document file, not a video. Upload the video file."),
    "too_large": _(
        "The picture of this file is larger than 8K or too fast to process; it is not footage we can handle."
    ),
    "undecodable": _(
        "The pictures of this file cannot be decoded: the video format is not supported or the file is damaged."
    ),
    "timeout": _(
        "Processing took longer than the time allowed and was stopped. Try again, or contact the technical team."
    ),
    "lost": _(
        "Processing was interrupted several times (the server doing it stopped). "
        "Use “Process the master file again”, or contact the technical team."
    ),
    "internal": _("Processing failed because of an error on our side. The technical team has the details."),
}


def problem_message(code: str) -> str:
    """The message for ``code`` (an unknown one reads as an error on our side)."""
    return str(PROBLEMS.get(code, PROBLEMS["internal"]))
