"""The staff menu follows the desk: a page is in the header only when the person's desk shows it."""
from django import template

from khedmat.core.desk import all_links, link_visible

register = template.Library()


@register.filter
def desk_shows(user, url_name: str) -> bool:
    """{% if user|desk_shows:"staff-cases:queue" %}: the same rule as the desk (role, service, the page's guard)."""
    # Only the links to that page are checked (every page's header asks; the whole desk costs a millisecond).
    return any(link_visible(user, link) for link in all_links() if link.url_name == url_name)
