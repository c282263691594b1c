from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One message waiting to leave (the transactional outbox of
    ``mediaportal.mail``): written in the request's transaction, so it exists
    exactly when what it tells of was committed, and sent by a worker. With
    the broker down the row waits and the beat sweep sends it later."""

    to = models.JSONField(_("to"))
    subject = models.CharField(_("subject"), max_length=998)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), null=True, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    from_email = models.CharField(_("from"), max_length=320)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent_idx")
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"
