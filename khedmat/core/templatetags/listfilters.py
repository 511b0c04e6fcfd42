"""A list page's filter form in one line: the first field (the search) with the button, the others
folded in a <details> that opens by itself when one of them is in use or wrong (templates/includes/filters.html)."""
from django import template

register = template.Library()


def _in_use(form, field) -> bool:
    if not form.is_bound:
        return False
    value = form.data.get(field.html_name, "")
    if value in ("", None):
        return False
    choices = getattr(field.field, "choices", None)
    if choices:
        first = next(iter(choices), ("", ""))[0]
        return str(value) != str(first)
    return True


@register.simple_tag
def filter_bar(form) -> dict:
    """{"first": the search field, "rest": the other visible fields, "active": how many of them are set,
    "open": whether the folded part starts open}."""
    fields = list(form.visible_fields())
    first, rest = (fields[0], fields[1:]) if fields else (None, [])
    active = sum(1 for field in rest if _in_use(form, field))
    has_errors = any(field.errors for field in rest) or bool(form.non_field_errors()) if form.is_bound else False
    return {"first": first, "rest": rest, "active": active, "open": bool(active or has_errors)}
