"""The public list of training institutes holding a licence in force (`/institutes/`): executive agencies check
an institute here before contracting a course. Open to everyone; searches are rate-limited and logged with the
verification page's limit (one budget per address for every public lookup)."""
from django import forms
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.certificates import selectors as certificate_selectors
from khedmat.core.forms import CachedSelect
from khedmat.core.net import client_ip
from khedmat.core.paginator import lookahead_page
from khedmat.core.text import digits_only
from khedmat.services.institute_accreditation import selectors

PER_PAGE = 25
LOG_CHANNEL = "institutes"  # VerificationLog.channel (at most 10 characters)
FILTERS = ("q", "domain", "page")


class InstituteSearchForm(forms.Form):
    """An institute's name (at least two letters) or its national ID or licence number, in any digits; a domain."""

    q = forms.CharField(
        label=gettext_lazy("Institute name, national ID or licence number"), max_length=100, required=False,
        help_text=gettext_lazy("Persian or Latin digits; an institute's national ID has 11 digits."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    domain = forms.ChoiceField(label=gettext_lazy("Domain"), required=False, widget=CachedSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", _("Every domain"))] + selectors.domain_choices()

    def clean_q(self) -> str:
        query = self.cleaned_data["q"].strip()
        if not query:
            return ""
        if selectors.looks_like_number(query):
            if len(digits_only(query)) != 11 and not selectors.licence_number_candidates(query):
                raise forms.ValidationError(
                    _("Type the institute's 11-digit national ID or the whole licence number."), code="number_short")
        elif selectors.institute_query_condition(query) is None:
            raise forms.ValidationError(_("Type at least two letters of the institute's name."), code="too_short")
        return query


def _render(request, context, status=200):
    return render(request, "institute_accreditation/licensed_list.html", context, status=status)


def licensed_list(request):
    """Licences in force, by institute; with a query and a domain, whether that institute may run courses in it."""
    searching = any(request.GET.get(name) for name in FILTERS)
    form = InstituteSearchForm(request.GET if searching else None)
    context = {"form": form, "page": None, "verdicts": None, "query": ""}
    ip = client_ip(request) if searching else None
    if searching and not certificate_selectors.verification_allowed(ip=ip):
        context["rate_limited"] = _("Too many lookups from your network. Please try again in a few minutes.")
        return _render(request, context, status=429)
    q = domain = ""
    if form.is_bound:
        if not form.is_valid():
            certificate_selectors.verification_attempt_log(raw=request.GET.get("q", ""), ip=ip, channel=LOG_CHANNEL)
            return _render(request, context)
        q, domain = form.cleaned_data["q"], form.cleaned_data["domain"]
    context["page"] = page = lookahead_page(selectors.licensed_institutes(q=q, domain=domain), request.GET.get("page"),
                                            per_page=PER_PAGE)
    context.update(q=q, domain=domain,
                   query=urlencode([(name, value) for name, value in (("q", q), ("domain", domain)) if value]))
    if q and domain:
        context["verdicts"] = selectors.domain_verdicts(q=q, domain=domain)
        context["domain_title"] = _domain_title(form, domain)
    if searching:
        certificate_selectors.verification_attempt_log(raw=" ".join(v for v in (q, domain) if v), ip=ip,
                                                       channel=LOG_CHANNEL, found=bool(page.object_list))
    return _render(request, context)


def _domain_title(form, code: str) -> str:
    for _group, options in form.fields["domain"].choices[1:]:
        for value, title in options:
            if value == code:
                return title
    return code
