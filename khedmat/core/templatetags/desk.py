"""The staff menu follows the desk: a page is in the header only when the person's desk shows it."""
from django import template

from khedmat.core.desk import desk_links

register = template.Library()


@register.filter
def desk_shows(user, url_name: str) -> bool:
    """{% if user|desk_shows:"staff-cases:queue" %}: the same rule as the desk (role, service, the page's guard)."""
    return any(link.url_name == url_name for link in desk_links(user))
