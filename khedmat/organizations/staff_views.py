"""Staff pages: organizations registered in the staff member's own province, and nothing else; the claims
waiting for a decision (docs/adr/0012-organization-claims.md)."""
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khedmat.accounts.decorators import staff_required
from khedmat.core.exceptions import ApplicationError
from khedmat.core.forms import PersianCharField
from khedmat.organizations import selectors, services
from khedmat.organizations.models import ClaimStatus, OrganizationKind


class ClaimDecisionForm(forms.Form):
    note = PersianCharField(label=gettext_lazy("Explanation (required to reject)"), required=False, max_length=500,
                            widget=forms.Textarea(attrs={"rows": 2}))


@staff_required()
def organization_list(request):
    kind = request.GET.get("kind", "")
    if kind not in OrganizationKind.values:
        kind = ""
    claim = request.GET.get("claim", "")
    if claim not in ClaimStatus.values:
        claim = ""
    query = request.GET.get("q", "").strip()[:100]
    organizations = selectors.organizations_for_staff(staff=request.user, kind=kind, query=query, claim=claim)[:200]
    return render(
        request, "organizations/staff_list.html",
        {"organizations": organizations, "kind": kind, "q": query, "kinds": OrganizationKind.choices,
         "claim": claim, "claims": ClaimStatus.choices},
    )


@staff_required()
def organization_detail(request, organization_id: int):
    organization = selectors.organization_get_for_staff(staff=request.user, organization_id=organization_id)
    may_decide = organization.claim_status == ClaimStatus.PENDING and request.user.has_role(*services.CLAIM_ROLES)
    return render(
        request, "organizations/staff_detail.html",
        {"organization": organization, "members": selectors.organization_members(organization=organization),
         "claim_form": ClaimDecisionForm() if may_decide else None},
    )


@staff_required(*services.CLAIM_ROLES)
@require_POST
def claim_decide(request, organization_id: int, action: str):
    organization = selectors.organization_get_for_staff(staff=request.user, organization_id=organization_id)
    form = ClaimDecisionForm(request.POST)
    if action not in ("verify", "reject") or not form.is_valid():
        raise Http404
    note = form.cleaned_data["note"]
    try:
        if action == "verify":
            services.claim_verify(organization=organization, method="staff", by=request.user, note=note)
        else:
            services.claim_reject(organization=organization, by=request.user, note=note)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The claim was verified.") if action == "verify" else _("The claim was rejected."))
    return redirect("staff-organizations:detail", organization_id=organization.pk)
