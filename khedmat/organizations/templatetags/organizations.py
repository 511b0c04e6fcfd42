from django import template

from khedmat.organizations.selectors import memberships_for_user

register = template.Library()


@register.simple_tag
def memberships_of(user):
    """The organizations `user` acts for, for pages owned by other apps (the account page)."""
    return memberships_for_user(user=user) if user.is_authenticated else []
