from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.services.contractor_qualification import rules
from khedmat.services.contractor_qualification.models import ContractingField

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
            self.fields[f"field_{i}"] = forms.ChoiceField(label=_("Field %(n)s") % {"n": i + 1}, choices=choices, required=False)
            self.fields[f"grade_{i}"] = forms.TypedChoiceField(
                label=_("Grade requested in field %(n)s") % {"n": i + 1}, coerce=int, required=False, empty_value=None,
                choices=[("", "—")] + [(g, str(g)) for g in range(1, 6)])

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
