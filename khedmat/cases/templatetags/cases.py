import datetime as dt

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from khedmat.accounts.roles import StaffRole
from khedmat.cases.process import APPLICANT, Clock, registered
from khedmat.cases.tracking import tracking_display
from khedmat.catalog.models import Service
from khedmat.core import jalali
from khedmat.core.templatetags.persian import ltr

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
    return jalali.format_date(jalali.local_date(deadline - dt.timedelta(microseconds=1)), "full")


@register.simple_tag
def service_staff_desks():
    """The staff pages each registered service declares, for the staff desk: [(title, description, [(label, url)])]."""

    processes = [p for p in registered() if p.staff_links]
    titles = dict(Service.objects.filter(code__in=[p.service_code for p in processes]).values_list("code", "title"))
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
