from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.core.exceptions import ApplicationError
from khedmat.organizations import selectors, services
from khedmat.organizations.forms import ActingForm, MemberAddForm, OrganizationRegisterForm


@login_required
def organization_register(request):
    form = OrganizationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization = services.organization_register(
                by=request.user, kind=data["kind"], national_id=data["national_id"], name=data["name"],
                province=data["province"], role=data["role"], registration_number=data["registration_number"],
                address=data["address"], phone=data["phone"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            organization.refresh_from_db()
            if organization.claim_verified:
                request.session[selectors.ACTING_SESSION_KEY] = organization.pk
                messages.success(request,
                                 _("The company registry confirmed your claim. You now act for the organization."))
            else:
                messages.info(request, _("The organization was registered. Your claim to act for it is being checked "
                                         "(company registry or staff); until it is verified you cannot act for it."))
            return redirect("organizations:detail", organization_id=organization.pk)
    return render(request, "organizations/register.html", {"form": form})


@login_required
def organization_detail(request, organization_id: int):
    organization, membership = selectors.organization_get_for_member(user=request.user, organization_id=organization_id)
    form = MemberAddForm(request.POST or None) if membership.can_manage and organization.claim_verified else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.membership_add(
                organization=organization, by=request.user,
                national_id=form.cleaned_data["national_id"], role=form.cleaned_data["role"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The person was added to the organization."))
            return redirect("organizations:detail", organization_id=organization.pk)
    return render(
        request, "organizations/detail.html",
        {"organization": organization, "membership": membership, "form": form, "may_see_ids": membership.can_manage,
         "members": selectors.organization_members(organization=organization)},
    )


@login_required
@require_POST
def member_remove(request, organization_id: int, membership_id: int):
    organization, _membership = selectors.organization_get_for_member(user=request.user,
                                                                      organization_id=organization_id)
    try:
        services.membership_remove(organization=organization, by=request.user, membership_id=membership_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The person no longer acts for the organization."))
    return redirect("organizations:detail", organization_id=organization.pk)


@login_required
@require_POST
def act_as(request):
    """Choose whom the signed-in person acts for: themself (empty) or one of their organizations."""
    raw = request.POST.get("organization", "")
    if raw in ("", "self"):
        request.session.pop(selectors.ACTING_SESSION_KEY, None)
        messages.info(request, _("You now act for yourself."))
    else:
        # Not an id that can exist (text, 0, beyond the database's range): a Persian refusal, no query.
        form = ActingForm(request.POST)
        if not form.is_valid() or form.cleaned_data["organization"] is None:
            messages.error(request, _("Choose one of your organizations."))
            return redirect("accounts:home")
        organization, _membership = selectors.organization_get_for_member(
            user=request.user, organization_id=form.cleaned_data["organization"])
        if not organization.claim_verified:
            messages.error(request,
                           _("The registration of this organization is not verified yet; "
                             "until then nobody acts for it."))
            return redirect("accounts:home")
        request.session[selectors.ACTING_SESSION_KEY] = organization.pk
        messages.info(request, _("You now act for %(name)s.") % {"name": organization.name})
    return redirect("accounts:home")
