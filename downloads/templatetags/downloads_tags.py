from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("downloads/includes/recent_downloads.html")
def recent_downloads(user, count: int = 5):
    """The user's latest downloads, for the account page."""
    return {"downloads": list(selectors.download_list_for_user(user=user)[:count])}
