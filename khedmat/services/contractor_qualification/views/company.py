"""The staff company record of service 4: the province's companies with a grade certificate and the
expiries, and one company's certificates with their live status, its cases and its disciplinary violations."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from khedmat.accounts.decorators import staff_required
from khedmat.core.exceptions import ApplicationError
from khedmat.organizations.selectors import organization_get_for_staff
from khedmat.services.contractor_qualification import selectors_registry, services
from khedmat.services.contractor_qualification.forms_registry import ViolationForm

# Which form field a refusal of `services.violation_record` belongs to (by its code).
VIOLATION_ERROR_FIELDS = {"instruction": "instruction", "date": "occurred_on", "description": "description"}


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
    can_record = selectors_registry.may_record_violation(staff=request.user, organization=organization)
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
