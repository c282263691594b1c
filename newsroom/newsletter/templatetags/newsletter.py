from django import template
from django.utils.translation import get_language

from ..forms import SubscribeForm
from ..selectors import subscriber_for_user

register = template.Library()


@register.inclusion_tag("newsletter/subscribe_form.html", takes_context=True)
def newsletter_subscribe_form(context):
    """The subscription form for the footer of every page."""
    request = context.get("request")
    next_path = request.get_full_path() if request else ""
    return {"form": SubscribeForm(initial={"language": get_language(), "next": next_path})}


@register.simple_tag
def newsletter_subscriber_for(user):
    return subscriber_for_user(user=user) if user.is_authenticated else None
