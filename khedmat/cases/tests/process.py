"""A small process used to exercise the engine until the first real service lands."""
from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.cases.guards import form_filled, required_documents_present
from khedmat.cases.process import APPLICANT, Act, Clock, DocumentRequirement, Process, State, Transition
from khedmat.cases.services import case_act
from khedmat.core.forms import PersianCharField

SERVICE_CODE = "test_service"


class TestCaseForm(forms.Form):
    subject = PersianCharField(label="موضوع", max_length=200)
    description = PersianCharField(label="شرح", widget=forms.Textarea, required=False)


PROCESS = Process(
    service_code=SERVICE_CODE,
    version=1,
    initial="draft",
    submit_transition="submit",
    deficiency_transition="return_for_deficiencies",
    resubmit_transition="resubmit",
    form_class="khedmat.cases.tests.process.TestCaseForm",
    sla_commitment="decision_time",
    states=(
        State("draft", "پیش‌نویس", Clock.NOT_STARTED, actors=(APPLICANT,), applicant_hint="فرم را کامل و ارسال کنید."),
        State("under_review", "در حال بررسی", Clock.ORGANIZATION, actors=("expert",)),
        State("deficiencies_notified", "اعلام نواقص", Clock.APPLICANT, actors=(APPLICANT,),
              applicant_hint="نواقص را برطرف و دوباره ارسال کنید."),
        State("awaiting_approval", "در انتظار تأیید", Clock.ORGANIZATION, actors=("unit_head",)),
        State("approved", "تأیید شده", Clock.STOPPED),
        State("rejected", "رد شده", Clock.STOPPED),
    ),
    transitions=(
        Transition("submit", _("Submit"), ("draft",), "under_review", (APPLICANT,),
                   guards=(form_filled, required_documents_present), internal=True, notify_applicant=True),
        Transition("return_for_deficiencies", "اعلام نواقص", ("under_review",), "deficiencies_notified", ("expert",),
                   internal=True, notify_applicant=True),
        Transition("resubmit", "ارسال دوباره", ("deficiencies_notified",), "under_review", (APPLICANT,), internal=True),
        Transition("recommend", "پیشنهاد تأیید", ("under_review",), "awaiting_approval", ("expert",)),
        Transition("approve", "تأیید", ("awaiting_approval",), "approved", ("unit_head",), notify_applicant=True),
        Transition("send_back", "بازگشت به کارشناس", ("awaiting_approval",), "under_review", ("unit_head",),
                   comment_required=True, style="secondary"),
        Transition("reject", "رد درخواست", ("under_review", "awaiting_approval"), "rejected", ("expert", "unit_head"),
                   comment_required=True, notify_applicant=True, style="danger"),
    ),
    acts=(
        Act("review_note", "ثبت نتیجه بررسی", ("under_review",), ("expert",),
            runs="khedmat.cases.tests.process.review_note"),
    ),
    documents=(
        DocumentRequirement("id_card", "تصویر کارت ملی", group="الف"),
        DocumentRequirement("letter", "نامه درخواست", group="ب"),
        DocumentRequirement("extra", "سایر مدارک", required=False, group="ج"),
    ),
)


def review_note(*, case, text: str, by):
    """The test process's record-only act: an expert writes the result of a review on the timeline."""
    with case_act(case=case, by=by, name="review_note", comment=text) as act:
        pass
    return act.event
