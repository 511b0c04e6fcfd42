"""The public registry of qualified contractors and consultants (like SAJAR), and the staff company
record: certificates with their live status, the company's cases and its disciplinary violations."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from khedmat.accounts.decorators import staff_required
from khedmat.certificates import selectors as certificate_selectors
from khedmat.core.exceptions import ApplicationError
from khedmat.core.net import client_ip
from khedmat.organizations.selectors import organization_get_for_staff
from khedmat.services.contractor_qualification import selectors, selectors_registry, services
from khedmat.services.contractor_qualification.forms_registry import RegistrySearchForm, ViolationForm

# Which form field a refusal of `services.violation_record` belongs to (by its code).
VIOLATION_ERROR_FIELDS = {"instruction": "instruction", "date": "occurred_on", "description": "description"}


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


@staff_required()
def company_list(request):
    """Companies of the province with a grade certificate, and the certificates expiring soon."""
    query = request.GET.get("q", "").strip()[:100]
    companies = selectors_registry.registry_companies_for_staff(staff=request.user, query=query)[:200]
    return render(request, "contractor_qualification/company_list.html", {
        "companies": companies, "q": query, "expiring": selectors_registry.expiring_for_staff(staff=request.user),
        "warning_days": selectors_registry.EXPIRY_WARNING_DAYS,
    })


@staff_required()
def company_detail(request, organization_id: int):
    """A company's record for staff of its province; experts, unit heads and the head record violations."""
    organization = organization_get_for_staff(staff=request.user, organization_id=organization_id)
    can_record = request.user.has_role(*services.VIOLATION_ROLES, service_code=services.SERVICE_CODE) and request.user.province_id == organization.province_id
    form = ViolationForm(prefix="violation")
    if request.method == "POST":
        if not can_record:
            raise Http404
        form = ViolationForm(request.POST, prefix="violation")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.violation_record(organization=organization, instruction=data["instruction"],
                                          occurred_on=data["occurred_on"], description=data["description"],
                                          decision=data["decision"], by=request.user)
            except ApplicationError as error:
                form.add_error(VIOLATION_ERROR_FIELDS.get(error.code), error.message)
            else:
                messages.success(request, _("The violation was recorded."))
                return redirect(reverse("cq-companies:detail", args=[organization.pk]) + "#violations")
    certificates, violations = selectors_registry.company_record_views(organization=organization)
    return render(request, "contractor_qualification/company_detail.html", {
        "organization": organization, "certificates": certificates, "violations": violations,
        "cases": selectors_registry.company_cases(user=request.user, organization=organization)[:100],
        "form": form, "can_record": can_record, "warning_days": selectors_registry.EXPIRY_WARNING_DAYS,
    })
