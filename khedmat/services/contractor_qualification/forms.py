from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.core.forms import JalaliDateField, NationalIdField, PersianCharField
from khedmat.core.ids import MAX_ID, IdField
from khedmat.core.text import digits_only, to_persian_digits
from khedmat.services.contractor_qualification import rules
from khedmat.services.contractor_qualification.constants import GRANT_MESSAGES
from khedmat.services.contractor_qualification.models import (
    ContractingField,
    DegreeLevel,
    PersonRole,
    Relevance,
    ReviewStatus,
)
from khedmat.services.contractor_qualification.selectors import requested


class RialsField(forms.CharField):
    """An amount in rials typed with Persian or Latin digits and any thousands separators."""

    default_error_messages = {"invalid": _("Enter the amount in rials, digits only.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        cleaned = "".join(ch for ch in str(value) if ch not in " ,،٬'")
        digits = digits_only(cleaned)
        if not digits or len(digits) != len(cleaned) or len(digits) > 17:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(digits)

ROWS = 3


class ApplicationForm(forms.Form):
    """The application: kind, declared type, and the fields with the grade requested in each."""

    kind = forms.ChoiceField(label=_("Applying as"), widget=forms.RadioSelect,
                             choices=[(rules.CONTRACTOR, _("Contractor")), (rules.CONSULTANT, _("Consultant"))])
    contractor_type = forms.TypedChoiceField(
        label=_("Declared type (contractors)"), coerce=int, required=False, empty_value=None,
        choices=[("", "—"), (1, _("Type 1 (fully Iranian private)")), (2, _("Type 2")), (3, _("Type 3"))])

    def __init__(self, *args, **kwargs):
        initial = kwargs.get("initial") or {}
        for i, row in enumerate(initial.get("fields", [])[:ROWS]):
            initial.setdefault(f"field_{i}", row.get("field"))
            initial.setdefault(f"grade_{i}", row.get("grade"))
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(f.code, f.name) for f in ContractingField.objects.filter(is_active=True)]
        for i in range(ROWS):
            self.fields[f"field_{i}"] = forms.ChoiceField(label=_("Field %(n)s") % {"n": to_persian_digits(i + 1)},
                                                          choices=choices, required=False)
            self.fields[f"grade_{i}"] = forms.TypedChoiceField(
                label=_("Grade requested in field %(n)s") % {"n": to_persian_digits(i + 1)}, coerce=int, required=False,
                empty_value=None,
                choices=[("", "—")] + [(g, to_persian_digits(g)) for g in range(1, 6)])

    def clean(self):
        cleaned = super().clean()
        rows, seen = [], set()
        for i in range(ROWS):
            field, grade = cleaned.pop(f"field_{i}", ""), cleaned.pop(f"grade_{i}", None)
            if bool(field) != (grade is not None):
                self.add_error(f"grade_{i}", _("Choose both the field and its grade, or neither."))
            elif field:
                if field in seen:
                    self.add_error(f"field_{i}", _("Each field can be requested once."))
                if cleaned.get("kind") == rules.CONSULTANT and grade > 3:
                    self.add_error(f"grade_{i}", _("Consultants have grades 1 to 3."))
                seen.add(field)
                rows.append({"field": field, "grade": grade})
        if not rows:
            raise forms.ValidationError(_("Request at least one field with its grade."))
        if cleaned.get("kind") == rules.CONTRACTOR and not cleaned.get("contractor_type"):
            self.add_error("contractor_type", _("Declare the contractor type."))
        cleaned["fields"] = rows
        return cleaned


# -- dossier sections ------------------------------------------------------------------------------

def _requested_field_choices(case):
    codes = requested(case)
    return [("", "—")] + [(f.code, f.name) for f in ContractingField.objects.filter(code__in=codes)]


class PersonForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PersonRole.choices)
    first_name = PersianCharField(label=_("First name"), max_length=100)
    last_name = PersianCharField(label=_("Last name"), max_length=100)
    national_id = NationalIdField(label=_("National ID"))
    degree_level = forms.ChoiceField(label=_("Degree"), choices=DegreeLevel.choices)
    study_field = PersianCharField(label=_("Field of study"), max_length=150)
    university = PersianCharField(label=_("University"), max_length=150, required=False)
    # A text box, not type=number: a number box refuses Persian digits.
    experience_years = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=70,
                                          widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}))
    insured_by_company = forms.BooleanField(label=_("Insured by the company"), required=False)
    insurance_number = forms.CharField(label=_("Social-security insurance number"), max_length=20, required=False)
    scoring_field = forms.ChoiceField(label=_("Counts toward field"), required=False,
                                      help_text=_("The field of work this person's score counts toward (not for "
                                                  "shareholders)."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scoring_field"].choices = _requested_field_choices(case)
        offered = rules.person_roles(natural=case.organization_id is None)
        self.fields["role"].choices = [(value, label) for value, label in PersonRole.choices if value in offered]


class ExperienceForm(forms.Form):
    field = forms.ChoiceField(label=_("Field of work"))
    title = PersianCharField(label=_("Project"), max_length=200)
    employer = PersianCharField(label=_("Employer"), max_length=200)
    contract_number = PersianCharField(label=_("Contract number"), max_length=50, required=False)
    amount_rials = RialsField(label=_("Contract amount (rials)"))
    started_on = JalaliDateField(label=_("Start date"))
    finished_on = JalaliDateField(label=_("End date"), required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _requested_field_choices(case)


class FinancialForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year (Jalali)"), min_value=1370, max_value=1499,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}))
    turnover_rials = RialsField(label=_("Declared turnover (rials)"))
    tax_return_number = PersianCharField(label=_("Tax return tracking number"), max_length=40)

    def clean_fiscal_year(self):
        return self.cleaned_data["fiscal_year"]


class SectionReviewForm(forms.Form):
    section = forms.CharField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Verdict"), choices=ReviewStatus.choices, widget=forms.RadioSelect)
    note = PersianCharField(label=_("What is wrong (for a deficient section)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    guidance = PersianCharField(label=_("Guidance for the applicant"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))


class RelevanceForm(forms.Form):
    person = IdField(widget=forms.HiddenInput)
    relevance = forms.ChoiceField(label=_("Relevance of the degree"), choices=Relevance.choices)


class GrantForm(forms.Form):
    """The approver's decision: per requested field, the grade granted (or none) and the reason."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)

    def __init__(self, *args, case, scores, supported=None, **kwargs):
        super().__init__(*args, **kwargs)
        kind = case.data.get("kind", "")
        self.kind, self.supported = kind, supported
        self.rows = []
        for code, grade in requested(case).items():
            field = ContractingField.objects.filter(code=code).first()
            score = scores.get(code)
            choices = [("", _("Not granted"))] + [(g, _("Grade %(g)s") % {"g": to_persian_digits(g)})
                                                  for g in sorted(rules.HANDLED_GRADES.get(kind, ()))]
            self.fields[f"grade_{code}"] = forms.TypedChoiceField(
                label=_("Grade granted in “%(field)s” (requested: %(grade)s)") % {
                    "field": field.name if field else code, "grade": to_persian_digits(grade)},
                choices=choices, coerce=int, empty_value=None, required=False, initial=grade)
            self.fields[f"reason_{code}"] = PersianCharField(
                label=_("Reason, if lower than requested, not granted or not the grade the scores support "
                        "(%(field)s)") % {
                    "field": field.name if field else code},
                required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.rows.append((code, grade, score))

    def clean(self):
        """The service's rules, shown beside the field they concern (the service checks them again)."""
        cleaned = super().clean()
        if any(f"grade_{code}" in self.errors or f"reason_{code}" in self.errors for code, _g, _s in self.rows):
            return cleaned
        granted, reasons = self.decisions()
        errors = rules.grant_errors(kind=self.kind, requested={code: grade for code, grade, _s in self.rows},
                                    granted=granted, reasons=reasons, supported=self.supported)
        for code, error in errors.items():
            if code == "__all__":
                self.add_error(None, str(GRANT_MESSAGES[error]))
            elif error in ("reason_required", "departs_from_scoring"):
                self.add_error(f"reason_{code}", str(GRANT_MESSAGES[error]))
            else:
                self.add_error(f"grade_{code}", str(GRANT_MESSAGES[error]))
        return cleaned

    def decisions(self) -> tuple[dict, dict]:
        granted = {code: self.cleaned_data.get(f"grade_{code}") for code, _g, _s in self.rows}
        reasons = {code: self.cleaned_data.get(f"reason_{code}") or "" for code, _g, _s in self.rows}
        return granted, reasons
