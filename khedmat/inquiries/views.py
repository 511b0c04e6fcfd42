"""Staff pages for inquiries: send one on a case, record a written answer, the social-security check,
and the list of overdue inquiries with answer times per source."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.accounts.decorators import staff_required
from khedmat.cases.abilities import case_abilities
from khedmat.cases.access import case_get_for_user
from khedmat.core.exceptions import ApplicationError
from khedmat.inquiries import services
from khedmat.inquiries.forms import AnswerForm, InquiryForm, SocialSecurityForm
from khedmat.inquiries.models import Inquiry


def _staff_case(request, case_id):
    case = case_get_for_user(user=request.user, public_id=case_id)
    if not case_abilities(case=case, user=request.user).staff:
        raise Http404
    return case


@staff_required()
def inquiry_new(request, case_id):
    case = _staff_case(request, case_id)
    form = InquiryForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.inquiry_request(case=case, source=form.cleaned_data["source"],
                                     subject=form.cleaned_data["subject"],
                                     declared=form.cleaned_data["declared"], label=form.cleaned_data["label"],
                                     by=request.user)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The inquiry was sent."))
            return redirect("cases:detail", public_id=case.public_id)
    return render(request, "inquiries/new.html", {"form": form, "case": case})


@staff_required()
def social_security(request, case_id):
    case = _staff_case(request, case_id)
    form = SocialSecurityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        inquiry = services.social_security_check(case=case, national_id=form.cleaned_data["national_id"],
                                                 password=form.cleaned_data["password"], by=request.user)
        if inquiry.status == "answered":
            messages.success(request, _("Social security answered."))
        else:
            messages.error(request, inquiry.last_error)
        return redirect("cases:detail", public_id=case.public_id)
    return render(request, "inquiries/social_security.html", {"form": form, "case": case})


@staff_required()
def answer(request, inquiry_id):
    inquiry = Inquiry.objects.select_related("case", "source").filter(pk=inquiry_id).first()
    if inquiry is None or not case_abilities(case=inquiry.case, user=request.user).staff:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.inquiry_answer_record(inquiry=inquiry, answer_text=form.cleaned_data["answer"], by=request.user)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The answer was recorded."))
            return redirect("cases:detail", public_id=inquiry.case.public_id)
    return render(request, "inquiries/answer.html", {"form": form, "inquiry": inquiry})


@staff_required()
def overview(request):
    now = timezone.now()
    open_inquiries = (Inquiry.objects.filter(case__province_id=request.user.province_id)
                      .exclude(status__in=services.FINAL).select_related("source", "case").order_by("due_at")[:200])
    rows = [(i, services.is_overdue(i, now=now)) for i in open_inquiries]
    if request.GET.get("overdue"):
        rows = [r for r in rows if r[1]]
    return render(request, "inquiries/overview.html", {
        "rows": rows, "report": services.response_time_report(province_id=request.user.province_id),
        "only_overdue": bool(request.GET.get("overdue")),
    })
