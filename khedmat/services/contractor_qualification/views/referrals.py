"""Staff pages for the referrals of service 4 to SAJAR: the province's referrals with a status filter, one
referral with what was (or will be) sent, its JSON export, and the hand work for when SAJAR cannot be
reached — record a file sent by hand, record the registration number from the PBO's answer.

Open to the unit head, head and deputy of the case's province; anyone else gets "not found", as for a
referral that does not exist. Acting is the approver's (`services.referral_mark_sent` and
`services.referral_acknowledge` ask the engine, as the page's `case_abilities` does); a refusal comes back as
a message, never as an error page."""
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khedmat.accounts.decorators import staff_required
from khedmat.cases.abilities import case_abilities
from khedmat.cases.access import may_read_case
from khedmat.core.exceptions import ApplicationError
from khedmat.core.forms import PersianCharField
from khedmat.core.paginator import lookahead_page
from khedmat.services.contractor_qualification import services
from khedmat.services.contractor_qualification.constants import REFERRAL_ROLES, SERVICE_CODE
from khedmat.services.contractor_qualification.models import Referral, ReferralStatus

NUMBER_ATTRS = {"dir": "ltr", "autocomplete": "off"}


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All referrals")), *ReferralStatus.choices])


# The numbers are not required here: the services refuse an empty one with their own message.
class MarkSentForm(forms.Form):
    receipt = PersianCharField(label=gettext_lazy("Receipt number"), max_length=60, required=False,
                               help_text=gettext_lazy("The number the PBO's Technical and Executive System Office gave "
                                                      "when it received the exported file."),
                               widget=forms.TextInput(attrs=NUMBER_ATTRS))


class AcknowledgeForm(forms.Form):
    registration_number = PersianCharField(label=gettext_lazy("SAJAR registration number"), max_length=60,
                                           required=False, widget=forms.TextInput(attrs=NUMBER_ATTRS))


def _referrals_for_staff(staff):
    """The referrals of the staff member's province, newest first."""
    if not staff.province_id:
        return Referral.objects.none()
    return (Referral.objects.filter(case__province_id=staff.province_id)
            .select_related("case", "certificate").order_by("-created_at", "-pk"))


def _referral_get_for_staff(staff, case_id) -> Referral:
    """The referral of a case of the staff member's province; "not found" alike for missing and not-theirs."""
    referral = _referrals_for_staff(staff).select_related("acknowledged_by").filter(case__public_id=case_id).first()
    if referral is None:
        raise Http404
    return referral


@staff_required(*REFERRAL_ROLES, service_code=SERVICE_CODE)
def referral_list(request):
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    referrals = _referrals_for_staff(request.user)
    if status:
        referrals = referrals.filter(status=status)
    page = lookahead_page(referrals, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "contractor_qualification/referrals_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "status": status,
    })


@staff_required(*REFERRAL_ROLES, service_code=SERVICE_CODE)
def referral_detail(request, case_id):
    referral = _referral_get_for_staff(request.user, case_id)
    abilities = case_abilities(case=referral.case, user=request.user)
    return render(request, "contractor_qualification/referral_detail.html", {
        "referral": referral, "case": referral.case, "may_read": may_read_case(referral.case, request.user),
        "payload_json": json.dumps(referral.payload, ensure_ascii=False, indent=2),
        "can_mark_sent": abilities.offered("refer_to_pbo")
        and referral.status in (ReferralStatus.PENDING, ReferralStatus.FAILED),
        "can_acknowledge": abilities.offered("register_in_sajar") and referral.status == ReferralStatus.SENT,
        "sent_form": MarkSentForm(prefix="sent"), "ack_form": AcknowledgeForm(prefix="ack"),
        "sajar_connected": bool(getattr(settings, "KHEDMAT_SAJAR_URL", "")),
    })


@staff_required(*REFERRAL_ROLES, service_code=SERVICE_CODE)
def referral_export(request, case_id):
    """The referral's file as JSON, to send by hand to the PBO."""
    referral = _referral_get_for_staff(request.user, case_id)
    body = json.dumps(referral.payload, ensure_ascii=False, indent=2).encode("utf-8")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = referral.case.tracking_number or str(referral.message_id)
    response["Content-Disposition"] = f'attachment; filename="sajar-referral-{name}.json"'
    return response


def _act(request, referral: Referral, form: forms.Form, action, success: str):
    """Run one hand action; a bad form or a refusal becomes a message and changes nothing."""
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, errors[0])
    else:
        try:
            action(form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, success)
    return redirect("cq-referrals:detail", case_id=referral.case.public_id)


@staff_required(*REFERRAL_ROLES, service_code=SERVICE_CODE)
@require_POST
def referral_mark_sent(request, case_id):
    """Record that the exported file was sent to the PBO by hand, with the receipt it gave."""
    referral = _referral_get_for_staff(request.user, case_id)
    return _act(request, referral, MarkSentForm(request.POST, prefix="sent"),
                lambda data: services.referral_mark_sent(referral=referral, receipt=data["receipt"], by=request.user),
                _("The file was recorded as sent to the PBO."))


@staff_required(*REFERRAL_ROLES, service_code=SERVICE_CODE)
@require_POST
def referral_acknowledge(request, case_id):
    """Record the SAJAR registration number the PBO sent back."""
    referral = _referral_get_for_staff(request.user, case_id)
    return _act(request, referral, AcknowledgeForm(request.POST, prefix="ack"),
                lambda data: services.referral_acknowledge(referral=referral,
                                                           registration_number=data["registration_number"],
                                                           by=request.user),
                _("The SAJAR registration number was recorded."))
