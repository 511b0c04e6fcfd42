"""Staff pages: organizations registered in the staff member's own province, and nothing else."""
from django.shortcuts import render

from khedmat.accounts.decorators import staff_required
from khedmat.organizations import selectors
from khedmat.organizations.models import OrganizationKind


@staff_required()
def organization_list(request):
    kind = request.GET.get("kind", "")
    if kind not in OrganizationKind.values:
        kind = ""
    query = request.GET.get("q", "").strip()[:100]
    organizations = selectors.organizations_for_staff(staff=request.user, kind=kind, query=query)[:200]
    return render(
        request, "organizations/staff_list.html",
        {"organizations": organizations, "kind": kind, "q": query, "kinds": OrganizationKind.choices},
    )


@staff_required()
def organization_detail(request, organization_id: int):
    organization = selectors.organization_get_for_staff(staff=request.user, organization_id=organization_id)
    return render(
        request, "organizations/staff_detail.html",
        {"organization": organization, "members": selectors.organization_members(organization=organization)},
    )
