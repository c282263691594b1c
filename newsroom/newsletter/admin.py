from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from mediaportal.admin import PortalAdminMixin

from . import rendering, selectors, sending, services
from .models import Delivery, NewsletterIssue, Subscriber

# The rendered e-mail is shown in a sandboxed frame of the confirmation page:
# mail needs inline styles, which the site's own policy forbids, and nothing
# in it may run or leave the frame.
PREVIEW_CSP = (
    "default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


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
    change_form_template = "admin/newsletter/newsletterissue/change_form.html"

    class Media:
        css = {"all": ["newsletter/admin.css"]}
        js = ["newsletter/issue-progress.js"]

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("newsletter.send_newsletterissue")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/send/", view(self.confirm_view), name="newsletter_newsletterissue_send"),
            path(
                "<int:pk>/preview/<str:language>/",
                view(self.preview_view),
                name="newsletter_newsletterissue_preview",
            ),
            path("<int:pk>/progress.json", view(self.progress_view), name="newsletter_newsletterissue_progress"),
            path("<int:pk>/pause/", view(self.pause_view), name="newsletter_newsletterissue_pause"),
            path("<int:pk>/resume/", view(self.resume_view), name="newsletter_newsletterissue_resume"),
            *super().get_urls(),
        ]

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

    # --- Saving: a send time is only a proposal until someone confirms it --

    def save_model(self, request, obj, form, change):
        services.issue_unschedule(issue=obj)
        super().save_model(request, obj, form, change)

    def _confirm_if_timed(self, request, obj, response):
        if obj.send_at and obj.status == NewsletterIssue.Status.DRAFT and self.has_send_permission(request):
            if "_continue" not in request.POST and "_addanother" not in request.POST:
                self.message_user(request, _("Check the issue and confirm to schedule it."), messages.INFO)
                return HttpResponseRedirect(self._url("send", obj.pk) + "?when=at")
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._confirm_if_timed(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._confirm_if_timed(request, obj, super().response_change(request, obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        issue = self.get_object(request, object_id)
        if issue is not None:
            extra_context.update(
                issue=issue,
                can_send=self.has_send_permission(request),
                sendable=issue.status in (NewsletterIssue.Status.DRAFT, NewsletterIssue.Status.SCHEDULED),
                send_url=self._url("send", issue.pk),
                progress_url=self._url("progress", issue.pk),
                pause_url=self._url("pause", issue.pk),
                resume_url=self._url("resume", issue.pk),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _url(self, name: str, pk: int) -> str:
        return reverse(f"{self.admin_site.name}:newsletter_newsletterissue_{name}", args=[pk])

    def _issue_or_404(self, request, pk: int, *, send: bool) -> NewsletterIssue:
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        allowed = self.has_send_permission(request) if send else self.has_view_permission(request, issue)
        if not allowed:
            raise PermissionDenied
        return issue

    # --- The confirmation page: who gets it, what they see, a test copy --

    def confirm_view(self, request, pk: int):
        issue = self._issue_or_404(request, pk, send=True)
        when = "at" if request.GET.get("when") == "at" and issue.send_at else "now"
        change_url = reverse(f"{self.admin_site.name}:newsletter_newsletterissue_change", args=[pk])
        if request.method == "POST":
            if "test" in request.POST:
                sending.issue_send_test(issue=issue, to=request.user.email)
                self.message_user(
                    request,
                    _("Test copies (one per language) are on their way to %(email)s.") % {"email": request.user.email},
                )
                return HttpResponseRedirect(request.get_full_path())
            try:
                if when == "at":
                    services.issue_schedule(issue_id=issue.pk)
                    self.message_user(request, _("The issue is scheduled."), messages.SUCCESS)
                else:
                    services.issue_send_now(issue_id=issue.pk)
                    self.message_user(request, _("Sending has started."), messages.SUCCESS)
            except services.IssueNotSendable as exc:
                self.message_user(request, str(exc), messages.WARNING)
            return HttpResponseRedirect(change_url)
        counts = selectors.subscriber_counts_by_language()
        names = dict(settings.LANGUAGES)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "issue": issue,
            "when": when,
            "title": _("Send “%(subject)s”?") % {"subject": issue.subject_en},
            "change_url": change_url,
            "total": sum(counts.values()),
            "languages": [
                {
                    "code": code,
                    "name": names[code],
                    "count": count,
                    "subject": issue.subject(code),
                    "preview_url": reverse(
                        f"{self.admin_site.name}:newsletter_newsletterissue_preview", args=[pk, code]
                    ),
                }
                for code, count in counts.items()
            ],
            "sendable": issue.status in (NewsletterIssue.Status.DRAFT, NewsletterIssue.Status.SCHEDULED),
        }
        return TemplateResponse(request, "admin/newsletter/newsletterissue/confirm_send.html", context)

    def preview_view(self, request, pk: int, language: str):
        issue = self._issue_or_404(request, pk, send=False)
        if language not in dict(settings.LANGUAGES):
            return HttpResponse(_("There is no such language."), status=404, content_type="text/plain")
        rendered = rendering.issue_render(issue=issue, language=language)
        response = HttpResponse(rendered.html)
        response["Content-Security-Policy"] = PREVIEW_CSP
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    # --- Following and steering a sending ----------------------------------

    def progress_view(self, request, pk: int):
        issue = self._issue_or_404(request, pk, send=False)
        return JsonResponse(selectors.issue_progress_live(issue=issue))

    def _steer(self, request, pk: int, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._issue_or_404(request, pk, send=True)
        try:
            action(issue_id=issue.pk)
        except services.IssueNotSendable as exc:
            self.message_user(request, str(exc), messages.WARNING)
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:newsletter_newsletterissue_change", args=[pk]))

    def pause_view(self, request, pk: int):
        return self._steer(request, pk, services.issue_pause)

    def resume_view(self, request, pk: int):
        return self._steer(request, pk, services.issue_resume)

    # --- List actions -------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_send_permission(request):
            actions.pop("send_test_to_me", None)
            actions.pop("send_now", None)
        return actions

    @admin.action(description=_("Send a test to me"))
    def send_test_to_me(self, request, queryset):
        for issue in queryset:
            sending.issue_send_test(issue=issue, to=request.user.email)
        self.message_user(
            request, _("Test copies (one per language) are on their way to %(email)s.") % {"email": request.user.email}
        )

    @admin.action(description=_("Send now to all confirmed subscribers…"))
    def send_now(self, request, queryset):
        issues = list(queryset[:2])
        if len(issues) != 1:
            self.message_user(request, _("Choose one issue to send."), messages.WARNING)
            return None
        return HttpResponseRedirect(self._url("send", issues[0].pk))


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
