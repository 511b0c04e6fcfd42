"""The public registry of qualified contractors and consultants (like SAJAR): certificates with their live
status, found by a company name or a national ID."""
from django.shortcuts import render
from django.utils.translation import gettext as _

from khedmat.certificates import selectors as certificate_selectors
from khedmat.core.net import client_ip
from khedmat.services.contractor_qualification import selectors, selectors_registry
from khedmat.services.contractor_qualification.forms_registry import RegistrySearchForm


def registry(request):
    """Search the registry by a company name or a national ID; open to everyone, rate-limited and logged
    with the verification page's limit (one budget per address for both)."""
    form = RegistrySearchForm(request.GET if "q" in request.GET else None)
    context = {"form": form, "holders": None}
    if form.is_bound:
        ip = client_ip(request)
        if not certificate_selectors.verification_allowed(ip=ip):
            context["rate_limited"] = _("Too many lookups from your network. Please try again in a few minutes.")
            return render(request, "contractor_qualification/registry.html", context, status=429)
        if form.is_valid():
            context["query"] = form.cleaned_data["q"]
            context["holders"] = selectors_registry.registry_holders(selectors.registry_search(form.cleaned_data["q"]))
        certificate_selectors.verification_attempt_log(raw=request.GET.get("q", ""), ip=ip, channel="registry",
                                                       found=bool(context["holders"]))
    return render(request, "contractor_qualification/registry.html", context)
