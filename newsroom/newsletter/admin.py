from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mediaportal.admin import PortalAdminMixin

from . import selectors, sending
from .models import Delivery, NewsletterIssue, Subscriber
from .tasks import issue_send_task


@admin.register(Subscriber)
class SubscriberAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["email", "language", "status", "consent_at", "consent_origin", "stop_reason"]
    list_filter = ["status", "language"]
    search_fields = ["email"]
    raw_id_fields = ["user"]
    readonly_fields = [
        "requested_at",
        "consent_at",
        "consent_origin",
        "unsubscribed_at",
        "stopped_at",
        "stop_reason",
        "created_at",
    ]


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["subject_en", "status", "send_at", "progress"]
    list_filter = ["status"]
    search_fields = ["subject_en", "subject_fr"]
    filter_horizontal = ["articles"]
    readonly_fields = ["status", "progress", "delivery_problems", "started_at", "finished_at"]
    fieldsets = [
        (_("English"), {"fields": ["subject_en", "introduction_en"]}),
        (_("French"), {"fields": ["subject_fr", "introduction_fr"]}),
        (_("Articles"), {"fields": ["articles", "latest_count"]}),
        (_("Sending"), {"fields": ["send_at", "status", "progress", "delivery_problems", "started_at", "finished_at"]}),
    ]
    actions = ["send_test_to_me", "send_now"]

    @admin.display(description=_("progress"))
    def progress(self, issue):
        counts = selectors.issue_progress(issue=issue)
        if not counts["total"]:
            return "–"
        text = _("%(sent)s / %(total)s sent") % counts
        if counts["failed"]:
            text += ", " + _("%(failed)s failed") % counts
        if counts["retrying"]:
            text += ", " + _("%(retrying)s to retry") % counts
        if counts["skipped"]:
            text += ", " + _("%(skipped)s unsubscribed meanwhile") % counts
        return text

    @admin.display(description=_("re-sent, bounced, complained"))
    def delivery_problems(self, issue):
        counts = selectors.issue_delivery_problems(issue=issue)
        return (
            _("%(resent)s re-sent after a crash (same Message-ID), %(bounced)s bounced, %(complained)s complained")
            % counts
        )

    def save_model(self, request, obj, form, change):
        sending.issue_sync_schedule(issue=obj)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Send a test to me"))
    def send_test_to_me(self, request, queryset):
        for issue in queryset:
            sending.issue_send_test(issue=issue, to=request.user.email)
        self.message_user(
            request, _("Test copies (one per language) are on their way to %(email)s.") % {"email": request.user.email}
        )

    @admin.action(description=_("Send now to all confirmed subscribers"))
    def send_now(self, request, queryset):
        issues = list(queryset.exclude(status=NewsletterIssue.Status.SENT))
        for issue in issues:
            transaction.on_commit(lambda pk=issue.pk: issue_send_task.delay(pk))
        if issues:
            self.message_user(
                request,
                ngettext(
                    "%(count)d issue is being sent; reload this page to follow its progress.",
                    "%(count)d issues are being sent; reload this page to follow their progress.",
                    len(issues),
                )
                % {"count": len(issues)},
            )
        else:
            self.message_user(request, _("Those issues have already been sent."), messages.WARNING)


@admin.register(Delivery)
class DeliveryAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Read-only: who got which issue, and why a delivery failed."""

    list_display = ["subscriber", "issue", "status", "attempts", "sent_at", "queue_id", "error"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email"]
    list_select_related = ["subscriber", "issue"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
