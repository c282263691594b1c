from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin with the portal's own site (branding, autocomplete in
    the form's language); ``admin.site`` is that site everywhere."""

    default_site = "mediaportal.admin.PortalAdminSite"
