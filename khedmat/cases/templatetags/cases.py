from django import template
from django.utils.translation import gettext_lazy as _

from khedmat.cases.process import APPLICANT, Clock
from khedmat.cases.tracking import tracking_display

register = template.Library()

CLOCK_LABELS = {
    Clock.NOT_STARTED: _("Not started"),
    Clock.ORGANIZATION: _("The organization's (the clock runs)"),
    Clock.APPLICANT: _("The applicant's (the clock stops)"),
    Clock.THIRD_PARTY: _("Another body's (the clock stops)"),
    Clock.STOPPED: _("Finished"),
}


@register.filter
def tracking(number):
    return tracking_display(number)


@register.filter
def clock_label(clock):
    return CLOCK_LABELS.get(clock, clock)


@register.filter
def roles_label(roles):
    from khedmat.accounts.roles import StaffRole

    names = []
    for role in roles:
        if role == APPLICANT:
            names.append(str(_("Applicant")))
        else:
            try:
                names.append(str(StaffRole(role).label))
            except ValueError:
                names.append(role)
    return "، ".join(names) or "—"


@register.filter
def state_label(process, code):
    return process.state(code).label


@register.filter
def deadline_day(deadline):
    """A deadline is the end of a working day: show that day, not the midnight after it."""
    import datetime as dt

    from khedmat.core import jalali

    if not deadline:
        return ""
    return jalali.format_date(jalali.local_date(deadline - dt.timedelta(microseconds=1)), "full")
