"""The admin site (branded with ``SITE_NAME`` from settings, translated), and
what every ModelAdmin of the portal shares: bad values get a message, not
a 500. Most can only come from a forged request (list filters, selections,
related ids, prefills in the address), which Django's admin checks only
partly: its querysets are lazy, so a year of -1 or a selected id of "abc"
fails when the page is rendered. One is an easy typo: a publication date in
year 1, which the site could store but never read back."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LanguageAwareAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results named in the language the form asks for
    (``&language=fr``, added by ``newsroom/article-editor.js`` from the
    article's language): a French article's topics are offered in French."""

    def serialize_result(self, obj, to_field_name):
        language = self.request.GET.get("language")
        if language not in dict(settings.LANGUAGES):
            return super().serialize_result(obj, to_field_name)
        with translation.override(language):
            return super().serialize_result(obj, to_field_name)


class PortalAdminSite(admin.AdminSite):
    """The back office, titled with the portal's name in the reader's language
    (the default site, see ``mediaportal.apps.PortalAdminConfig``)."""

    site_header = settings.SITE_NAME
    site_title = settings.SITE_NAME
    index_title = gettext_lazy("Back office")

    def autocomplete_view(self, request):
        return LanguageAwareAutocompleteJsonView.as_view(admin_site=self)(request)


class _CheckedChangeList(ChangeList):
    """Values the database or ``datetime`` cannot take (a year of -1 or with
    thirty digits) get the admin's "?e=1" answer, as an unknown filter does."""

    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_results(self, request):
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class _ValidValuesOnly:
    """An autocomplete widget that, when a form comes back with errors, shows
    only the submitted values that can be ids (it looks them up in the database)."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        valid = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class _CheckedAutocompleteSelect(_ValidValuesOnly, AutocompleteSelect):
    pass


class _CheckedAutocompleteSelectMultiple(_ValidValuesOnly, AutocompleteSelectMultiple):
    pass


# Dates and times the admin accepts for publication and sending. A year-1
# date in a time zone east of UTC is stored as year 0 in UTC, which PostgreSQL
# keeps but Python cannot read back: every page listing the row would fail.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def _validate_year_in_range(value) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(first)d and %(last)d.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            code="year_out_of_range",
        )


class PortalAdminMixin:
    """Mixed into every ModelAdmin of the portal (before the ModelAdmin class)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateTimeField) and formfield is not None:
            formfield.validators.append(_validate_year_in_range)
        return formfield

    def get_changelist(self, request, **kwargs):
        return _CheckedChangeList

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk.to_python(value)
        except ValidationError:
            self.message_user(
                request, _("The selection was not understood. No items have been changed."), messages.ERROR
            )
            return None
        return super().response_action(request, queryset)

    def get_changeform_initial_data(self, request):
        """Prefill values from the add page's query string (``?published_at=...``)
        as the model field's type, dropping those that cannot be one: the date
        widgets fail on a plain string."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_many or not field.concrete:
                continue
            try:
                initial[name] = field.to_python(value)
            except ValidationError:
                del initial[name]
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _CheckedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
