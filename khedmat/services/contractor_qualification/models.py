"""Service 4's own records: the dossier sections beyond the form (people, experience, finance), the
expert's section reviews, the scoring tables (admin data, versioned and pinned per case), the grades
granted, the hand-off to the national registry (SAJAR), the public registry entries and the
disciplinary violations recorded against companies (SERVICES.md §5)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khedmat.cases.models import Case
from khedmat.certificates.models import OfficialDocument
from khedmat.core.fields import PersianCharField, PersianTextField
from khedmat.organizations.models import Organization


class ContractingField(models.Model):
    """A field (رشته) of contracting or consulting work; reference data (SERVICES.md §10.1 #6, A16)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = PersianCharField(_("name"), max_length=100)
    ordering = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("field of work")
        verbose_name_plural = _("fields of work")

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    CONTRACTOR = "contractor", _("Contractor")
    CONSULTANT = "consultant", _("Consultant")


class DegreeLevel(models.TextChoices):
    DIPLOMA = "diploma", _("High-school diploma")
    ASSOCIATE = "associate", _("Associate degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


class Relevance(models.TextChoices):
    RELATED = "related", _("Related to the field")
    SEMI_RELATED = "semi_related", _("Partly related")
    UNRELATED = "unrelated", _("Unrelated")


# -- scoring tables (admin data; SERVICES.md §10.1 #8, #10: numbers not found, so empty in production) --

class ScoringTable(models.Model):
    """One version of the scoring rules for a kind of applicant. A case pins the version in force when it
    is first submitted, so a later edit never re-scores an open case."""

    kind = models.CharField(_("applying as"), max_length=20, choices=Kind.choices)
    title = PersianCharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    is_sample = models.BooleanField(_("sample values (demo only)"), default=False,
                                    help_text=_("Demo data: the values are illustrations, not the regulation."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-effective_from", "-pk"]
        verbose_name = _("scoring table")
        verbose_name_plural = _("scoring tables")

    def __str__(self) -> str:
        return self.title


class DegreePoints(models.Model):
    table = models.ForeignKey(ScoringTable, on_delete=models.CASCADE, related_name="degree_points",
                              verbose_name=_("scoring table"))
    degree_level = models.CharField(_("degree"), max_length=20, choices=DegreeLevel.choices)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "degree_level"], name="cq_degree_points_unique")]
        verbose_name = _("points for a degree")
        verbose_name_plural = _("points for degrees")


class RelevanceFactor(models.Model):
    table = models.ForeignKey(ScoringTable, on_delete=models.CASCADE, related_name="relevance_factors",
                              verbose_name=_("scoring table"))
    relevance = models.CharField(_("relevance of the degree"), max_length=20, choices=Relevance.choices)
    percent = models.DecimalField(_("share counted (percent)"), max_digits=5, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "relevance"], name="cq_relevance_unique")]
        verbose_name = _("relevance factor")
        verbose_name_plural = _("relevance factors")


class ExperiencePoints(models.Model):
    """A band: from `min_years` of experience a person earns `points` (the highest band reached counts)."""

    table = models.ForeignKey(ScoringTable, on_delete=models.CASCADE, related_name="experience_points",
                              verbose_name=_("scoring table"))
    min_years = models.PositiveSmallIntegerField(_("from years of experience"))
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["min_years"]
        constraints = [models.UniqueConstraint(fields=["table", "min_years"], name="cq_experience_band_unique")]
        verbose_name = _("points for experience")
        verbose_name_plural = _("points for experience")


class GradeThreshold(models.Model):
    """What a grade needs in a field: a minimum staff score and, where required, experience and financial
    ceilings (grade 5 needs only the staff score, §10.1 #8). An empty field means "any field"."""

    table = models.ForeignKey(ScoringTable, on_delete=models.CASCADE, related_name="thresholds",
                              verbose_name=_("scoring table"))
    field = models.ForeignKey(ContractingField, null=True, blank=True, on_delete=models.PROTECT,
                              verbose_name=_("field of work"), help_text=_("Empty: every field."))
    grade = models.PositiveSmallIntegerField(_("grade"))
    min_staff_score = models.DecimalField(_("minimum staff score"), max_digits=10, decimal_places=2)
    min_experience_rials = models.BigIntegerField(_("minimum experience (rials)"), null=True, blank=True,
                                                  help_text=_("Empty: not required for this grade."))
    min_financial_rials = models.BigIntegerField(_("minimum financial capacity (rials)"), null=True, blank=True,
                                                 help_text=_("Empty: not required for this grade."))

    class Meta:
        ordering = ["grade"]
        constraints = [models.UniqueConstraint(fields=["table", "field", "grade"], name="cq_threshold_unique")]
        verbose_name = _("grade threshold")
        verbose_name_plural = _("grade thresholds")


# -- the dossier -------------------------------------------------------------------------------

class Application(models.Model):
    """Per-case facts of service 4 that are not form answers: the pinned scoring table and the workload
    when the case was submitted (the seed ties the 10–25 day range to the volume of files)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="qualification", verbose_name=_("case"))
    scoring_table = models.ForeignKey(ScoringTable, null=True, blank=True, on_delete=models.PROTECT,
                                      verbose_name=_("scoring table"))
    open_cases_at_submission = models.PositiveIntegerField(null=True, blank=True,
                                                           verbose_name=_("open cases at submission"))
    experts_at_submission = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("experts at submission"))

    class Meta:
        verbose_name = _("qualification application")
        verbose_name_plural = _("qualification applications")

    @property
    def open_cases_per_expert(self):
        if self.open_cases_at_submission is None or not self.experts_at_submission:
            return None
        return round(self.open_cases_at_submission / self.experts_at_submission, 1)


class PersonRole(models.TextChoices):
    """The roles of group ب. Which are offered follows the applicant's kind (`rules.person_roles`): a company
    names its board, chief executive, shareholders and staff; a natural person himself and his staff."""

    APPLICANT = "applicant", _("The applicant himself")
    CEO = "ceo", _("Chief executive")
    BOARD_MEMBER = "board_member", _("Board member")
    SHAREHOLDER = "shareholder", _("Shareholder")
    SCORING_STAFF = "scoring_staff", _("Scoring staff member")


class CompanyPerson(models.Model):
    """A person of the applicant (group ب): who they are, their degree and experience, and the field
    their score counts toward. The expert judges the degree's relevance to that field."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="qualification_people",
                             verbose_name=_("case"))
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices)
    first_name = PersianCharField(_("first name"), max_length=100)
    last_name = PersianCharField(_("last name"), max_length=100)
    national_id = models.CharField(_("national ID"), max_length=10)
    degree_level = models.CharField(_("degree"), max_length=20, choices=DegreeLevel.choices)
    study_field = PersianCharField(_("field of study"), max_length=150)
    university = PersianCharField(_("university"), max_length=150, blank=True)
    experience_years = models.PositiveSmallIntegerField(_("years of experience"))
    insured_by_company = models.BooleanField(_("insured by the company"), default=False)
    insurance_number = models.CharField(_("social-security insurance number"), max_length=20, blank=True)
    scoring_field = models.ForeignKey(ContractingField, null=True, blank=True, on_delete=models.PROTECT,
                                      verbose_name=_("counts toward field"))
    relevance = models.CharField(_("relevance of the degree"), max_length=20, choices=Relevance.choices, blank=True)
    relevance_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("relevance set by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "national_id", "role"], name="cq_person_role_unique")]
        verbose_name = _("person of the applicant")
        verbose_name_plural = _("people of the applicant")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ExperienceRecord(models.Model):
    """A contract the applicant has carried out (group و), counted in one field."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="qualification_experience",
                             verbose_name=_("case"))
    field = models.ForeignKey(ContractingField, on_delete=models.PROTECT, verbose_name=_("field of work"))
    title = PersianCharField(_("project"), max_length=200)
    employer = PersianCharField(_("employer"), max_length=200)
    contract_number = PersianCharField(_("contract number"), max_length=50, blank=True)
    amount_rials = models.BigIntegerField(_("contract amount (rials)"))
    started_on = models.DateField(_("start date"))
    finished_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("work experience")
        verbose_name_plural = _("work experience")


class FinancialRecord(models.Model):
    """One year's tax return (group ه): the declared turnover."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="qualification_finance",
                             verbose_name=_("case"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (Jalali)"))
    turnover_rials = models.BigIntegerField(_("declared turnover (rials)"))
    tax_return_number = PersianCharField(_("tax return tracking number"), max_length=40)

    class Meta:
        ordering = ["-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["case", "fiscal_year"], name="cq_financial_year_unique")]
        verbose_name = _("tax return")
        verbose_name_plural = _("tax returns")


class ReviewStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DEFICIENT = "deficient", _("Deficient")


class SectionReview(models.Model):
    """The expert's verdict on one section of the dossier; deficient sections feed the notice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="qualification_reviews",
                             verbose_name=_("case"))
    section = models.CharField(_("section"), max_length=40)
    status = models.CharField(_("verdict"), max_length=20, choices=ReviewStatus.choices)
    note = PersianTextField(_("note"), blank=True)
    # For a deficient section: what the applicant should do (§5.5 step 2 promises guidance).
    guidance = PersianTextField(_("guidance for the applicant"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(verbose_name=_("reviewed at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "section"], name="cq_section_review_unique")]
        verbose_name = _("section review")
        verbose_name_plural = _("section reviews")


class GradeGrant(models.Model):
    """The grade granted in one field, beside the grade requested (granted may be lower, with reasons)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="qualification_grants",
                             verbose_name=_("case"))
    field = models.ForeignKey(ContractingField, on_delete=models.PROTECT, verbose_name=_("field of work"))
    requested_grade = models.PositiveSmallIntegerField(_("requested grade"))
    granted_grade = models.PositiveSmallIntegerField(_("granted grade"), null=True, blank=True)
    reason = PersianTextField(_("reason"), blank=True)
    staff_score = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                      verbose_name=_("staff score"))
    supported_grade = models.PositiveSmallIntegerField(null=True, blank=True,
                                                       verbose_name=_("grade the scores support"))
    # How the grant departs from the scoring result ("" when it follows it; then no reason is needed for it).
    scoring_departure = models.CharField(_("departure from the scoring result"), max_length=10, blank=True,
                                         choices=[("above", _("Above what the scores support")),
                                                  ("below", _("Below what the scores support"))])
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(verbose_name=_("decided at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "field"], name="cq_grant_unique")]
        verbose_name = _("grade grant")
        verbose_name_plural = _("grade grants")


# -- after the certificate -----------------------------------------------------------------------

class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent; waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Registered in SAJAR")
    FAILED = "failed", _("Sending failed")


class Referral(models.Model):
    """The electronic file sent to the PBO's Technical & Executive System Office for entry in SAJAR."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="qualification_referral",
                                verbose_name=_("case"))
    certificate = models.ForeignKey(OfficialDocument, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("certificate"))
    message_id = models.UUIDField(unique=True, verbose_name=_("message ID"))
    payload = models.JSONField(verbose_name=_("message sent"))
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("next attempt at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    # Exported and sent by staff: SAJAR does not know its message id, so nobody polls for it.
    sent_by_hand = models.BooleanField(default=False, verbose_name=_("sent by hand"))
    receipt = models.CharField(_("receipt number"), max_length=60, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledged at"))
    acknowledgement = models.CharField(_("SAJAR registration number"), max_length=60, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("acknowledged by"))

    @property
    def last_error_display(self) -> str:
        """The last failure in Persian for the pages; ``last_error`` keeps SAJAR's raw text for the log."""
        if not self.last_error:
            return ""
        if self.last_error.startswith(("unreachable", "HTTP 5")):
            return str(_("SAJAR did not answer; the file is sent again automatically."))
        if self.last_error.startswith("HTTP 4"):
            return str(_("SAJAR refused the file; check its contents or send it by hand."))
        return str(_("SAJAR's answer was not understood; the file is sent again automatically."))

    class Meta:
        verbose_name = _("referral to SAJAR")
        verbose_name_plural = _("referrals to SAJAR")


class RegistryEntry(models.Model):
    """One grade certificate as the public registry shows it. Its status is read from the certificate,
    so a suspension or revocation shows at once."""

    certificate = models.OneToOneField(OfficialDocument, on_delete=models.PROTECT, related_name="registry_entry",
                                       verbose_name=_("certificate"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="qualification_entries", verbose_name=_("organization"))
    national_id = models.CharField(_("national ID"), max_length=11, db_index=True)
    name = PersianCharField(_("name"), max_length=200)
    # Letter- and digit-normalised name without spaces and ZWNJ, for lookups typed any way.
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("applying as"), max_length=20, choices=Kind.choices)
    grades = models.JSONField(default=list, verbose_name=_("grades"))  # [{"field": code, "name": label, "grade": n}]
    issued_on = models.DateField(verbose_name=_("issued on"))
    valid_until = models.DateField(null=True, blank=True, verbose_name=_("valid until"))

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("registry entry")
        verbose_name_plural = _("registry entries")


class ViolationInstruction(models.TextChoices):
    CONTRACTORS = "42787", _("Instruction 42787 of 1392-05-20 on disciplinary violations of contractors")
    CONSULTANTS = "66025", _("Instruction 66025 of 1391-08-14 on disciplinary violations of consultants")


class DisciplinaryViolation(models.Model):
    """A disciplinary violation recorded against a company (regs. د and ه): data only (§5.5)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="qualification_violations",
                                     verbose_name=_("company"))
    instruction = models.CharField(_("instruction"), max_length=10, choices=ViolationInstruction.choices)
    occurred_on = models.DateField(_("date of the violation"))
    description = PersianTextField(_("description"))
    decision = PersianTextField(_("decision of the disciplinary board"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("disciplinary violation")
        verbose_name_plural = _("disciplinary violations")
