import datetime as dt
import uuid
from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from khedmat.accounts.roles import StaffRole
from khedmat.cases.models import SlaStatus
from khedmat.cases.process import APPLICANT, Clock, registered
from khedmat.cases.tracking import tracking_display
from khedmat.catalog.selectors import service_title_map
from khedmat.core import jalali
from khedmat.core.templatetags.persian import fa, ltr

register = template.Library()

CLOCK_LABELS = {
    Clock.NOT_STARTED: _("Not started"),
    Clock.ORGANIZATION: _("The organization's (the clock runs)"),
    Clock.APPLICANT: _("The applicant's (the clock stops)"),
    Clock.THIRD_PARTY: _("Another body's (the clock stops)"),
    Clock.STOPPED: _("Finished"),
}


@register.filter
def tracking(number, mode=""):
    """The tracking number as ۴-۱۴۰۵-۰۰۰۱۲۳-۷, kept left to right in Persian text (<bdi dir="ltr">);
    {{ n|tracking:"text" }} where no markup is allowed (<title>, attributes), "pdf" for PDFs."""
    return ltr(tracking_display(number), mode)


@register.filter
def clock_label(clock):
    return CLOCK_LABELS.get(clock, clock)


@register.filter
def roles_label(roles):
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

    if not deadline:
        return ""
    return _full_date(jalali.local_date(deadline - dt.timedelta(microseconds=1)), get_language())


@lru_cache(maxsize=1024)
def _full_date(day: dt.date, language: str) -> str:
    """A list shows the same few deadline days on every row and every page: each is formatted once."""
    return jalali.format_date(day, "full")


@register.simple_tag
def service_staff_desks():
    """The staff pages each registered service declares, for the staff desk: [(title, description, [(label, url)])]."""

    processes = [p for p in registered() if p.staff_links]
    titles = service_title_map()
    return [(titles.get(p.service_code, p.service_code), p.staff_links_description,
             [(link.label, reverse(link.url_name)) if hasattr(link, "url_name") else (link[0], reverse(link[1]))
              for link in p.staff_links]) for p in processes]



class CaseSectionNode(template.Node):
    def __init__(self, nodelist, anchor, title, open_):
        self.nodelist, self.anchor, self.title, self.open = nodelist, anchor, title, open_

    def render(self, context):
        content = self.nodelist.render(context)
        if not content.strip():
            return ""
        anchor = self.anchor.resolve(context)
        is_open = self.open.resolve(context) if self.open is not None else False
        return format_html('<details class="panel case-section" id="{}"{}><summary><h2 id="{}-title">{}</h2></summary>'
                           '<div class="case-section-body">{}</div></details>',
                           anchor, " open" if is_open else "", anchor, self.title.resolve(context), content)


@register.tag
def casesection(parser, token):
    """One part of the case page, folded under its heading (issue 16 point 10): `{% casesection "docs" title
    open=flag %}…{% endcasesection %}` renders `<details id="docs"><summary><h2 id="docs-title">…`, open when
    `flag` is true, and nothing at all when its content is empty. Native <details>: keyboard accessible, no
    script, and Chromium opens it on a link to its #anchor. Platform sections and service panels use it alike."""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("casesection takes an anchor and a title")
    anchor, title = parser.compile_filter(bits[1]), parser.compile_filter(bits[2])
    open_ = None
    for bit in bits[3:]:
        if bit.startswith("open="):
            open_ = parser.compile_filter(bit[5:])
    nodelist = parser.parse(("endcasesection",))
    parser.delete_first_token()
    return CaseSectionNode(nodelist, anchor, title, open_)


# -- list rows, rendered in Python ------------------------------------------------------------------------------------
# The queue and the dashboard render 20–25 rows per page; as template includes the rows cost more than everything else
# on the page (issue 19). These build the same markup with format_html; the case page's deadline uses `sla_cell` too
# (through cases/_sla.html), so there is one wording of an SLA position.

_TONES = {SlaStatus.BREACHED: "bad", SlaStatus.MISSED: "bad", SlaStatus.WARNING: "warn", SlaStatus.PAUSED: "info"}
_NIL = uuid.UUID(int=0)


@lru_cache(maxsize=8)
def _target_note(language: str) -> str:
    """templates/includes/target_note.html, the one wording of an assumed target, rendered once per language."""
    return render_to_string("includes/target_note.html", {"assumed": True})


@lru_cache(maxsize=8)
def _detail_url_pattern(prefix: str) -> str:
    return reverse("cases:detail", args=[_NIL])


def case_url(public_id) -> str:
    """`reverse("cases:detail", args=[public_id])` without resolving the pattern for every row."""
    return _detail_url_pattern(get_script_prefix()).replace(str(_NIL), str(public_id))


@register.simple_tag
def sla_cell(sla):
    """A case's SLA position: the status tag, then how far along (or how late) it is and until when."""
    if sla.status == SlaStatus.NONE:
        used = gettext("%(used)s working days") % {"used": fa(sla.used)} if sla.used else "—"
        return format_html('<span class="muted">{}</span>', used)
    tag = format_html('<span class="tag {}">{}</span>\n', _TONES.get(sla.status, "ok"), sla.label)
    if sla.overdue_days is not None:
        text = ""
        if sla.overdue_days:
            text = gettext("%(days)s working days past the deadline") % {"days": fa(sla.overdue_days)}
            if sla.deadline:
                text += " — "
        if sla.deadline:
            text += gettext("the deadline was the end of %(d)s") % {"d": deadline_day(sla.deadline)}
    else:
        text = gettext("%(used)s of %(target)s working days") % {"used": fa(sla.used), "target": fa(sla.target)}
        if sla.deadline and sla.status != SlaStatus.PAUSED:
            text += " — " + gettext("until the end of %(d)s") % {"d": deadline_day(sla.deadline)}
    note = mark_safe(" " + _target_note(get_language())) if sla.assumed else ""
    return format_html('{}<span class="muted">{}</span>{}', tag, text, note)


@lru_cache(maxsize=64)
def _service_title(title: str, language: str) -> str:
    return Truncator(fa(title)).chars(60)


def _organization_line(case) -> str:
    return format_html('<br><span class="muted">{}</span>', case.organization.name) if case.organization_id else ""


@register.simple_tag
def queue_row(case, sla):
    """One row of the staff queue (templates/cases/queue.html names the columns)."""
    return format_html(
        '<tr><td><a href="{}" class="code">{}</a></td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        case_url(case.public_id), tracking(case.tracking_number), case.applicant.get_full_name(),
        _organization_line(case), _service_title(case.service.title, get_language()), case.state_def.label,
        sla_cell(sla), case.assigned_to.get_full_name() if case.assigned_to_id else "—")


@register.simple_tag
def dashboard_row(case, sla, expected):
    """One row of the applicant's dashboard (templates/cases/dashboard.html names the columns)."""
    number = (format_html('<span class="code">{}</span>', tracking(case.tracking_number)) if case.tracking_number
              else gettext("Draft"))
    return format_html(
        '<tr><td><a href="{}">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        case_url(case.public_id), number, _organization_line(case), fa(case.service.title), case.state_def.label,
        expected or "—", sla_cell(sla))
