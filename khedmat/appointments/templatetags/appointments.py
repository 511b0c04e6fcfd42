from django import template

from khedmat.appointments.selectors import appointment_kinds_proposable, appointments_for_case

register = template.Library()


@register.simple_tag
def case_appointments(case):
    """The appointments of an (access-checked) case, latest first."""
    if not case.tracking_number:
        return []
    return list(appointments_for_case(case=case))


@register.simple_tag
def proposable_appointment_kinds(case, user):
    """The kinds of appointment `user` may propose on `case` now."""
    if not case.process.appointment_kinds:
        return []
    return appointment_kinds_proposable(case=case, user=user)
