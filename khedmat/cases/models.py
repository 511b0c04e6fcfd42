"""Cases (پرونده), their append-only event log, tracking numbers, notes and messages,
deficiency notices, and the documents uploaded against a process's checklist."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khedmat.cases.process import get_process
from khedmat.catalog.models import Service, SlaStatement
from khedmat.core.chain import ChainedModel
from khedmat.core.fields import PersianCharField, PersianTextField
from khedmat.core.models import Office, Province
from khedmat.organizations.models import Organization


class SlaStatus(models.TextChoices):
    NONE = "none", _("No target")
    ON_TRACK = "on_track", _("On track")
    WARNING = "warning", _("Near the deadline")
    BREACHED = "breached", _("Past the deadline")
    PAUSED = "paused", _("Paused (waiting for the applicant)")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")


class Case(models.Model):
    """One application for one service. State names come from the service's process declaration.

    The SLA columns are derived from the events (`cases.services.sla_refresh`) and can be rebuilt
    from them at any time; they are stored so that a queue of a million cases can filter and sort
    by deadline. The status itself (on track, warning, breached) is computed on read against now.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cases", verbose_name=_("service"))
    process_version = models.PositiveSmallIntegerField(_("process version"))
    sla_statement = models.ForeignKey(
        SlaStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="cases",
        verbose_name=_("SLA statement version"),
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="cases", verbose_name=_("province"))
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("office"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases", verbose_name=_("applicant")
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="cases",
        verbose_name=_("on behalf of"),
    )
    state = models.CharField(_("state"), max_length=40)
    # Bumped on every change; a form carries the version it was shown with, so that two people acting
    # on the same case at once get one winner and a clear message.
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True, null=True, blank=True)
    data = models.JSONField(_("form data"), default=dict, blank=True)
    title = PersianCharField(_("subject"), max_length=200, blank=True)
    # Denormalised for search: normalised names and IDs of the applicant and organization.
    search_text = models.TextField(blank=True, editable=False)
    applicant_national_id = models.CharField(max_length=11, db_index=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # -- SLA, derived from the events -----------------------------------------------------
    sla_target_days = models.PositiveSmallIntegerField(null=True, blank=True,
                                                       verbose_name=_("SLA target (working days)"))
    sla_running = models.BooleanField(default=False, verbose_name=_("SLA clock running"))
    # Working days used before the current run of the clock; with sla_run_started_at this gives the
    # days used now without reading the events (queues show it for every row).
    sla_banked_days = models.PositiveIntegerField(default=0, verbose_name=_("SLA working days used before"))
    sla_run_started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("SLA clock started at"))
    sla_deadline = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("SLA deadline"))
    sla_original_deadline = models.DateTimeField(null=True, blank=True, verbose_name=_("original SLA deadline"))
    sla_warning_at = models.DateTimeField(null=True, blank=True, verbose_name=_("SLA warning at"))
    sla_computed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("SLA computed at"))
    sla_warned_at = models.DateTimeField(null=True, blank=True, verbose_name=_("SLA warning sent at"))
    sla_breach_notified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("SLA breach reported at"))

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The queue: equality on province, service and state, then rows already in deadline order.
            models.Index(fields=["province", "service", "state", "sla_deadline", "first_submitted_at"],
                         name="case_queue_idx"),
            models.Index(fields=["province", "service", "state", "first_submitted_at"],
                         name="case_queue_submitted_idx"),
            models.Index(fields=["applicant", "-created_at"], name="case_applicant_idx"),
            models.Index(fields=["organization", "-created_at"], name="case_org_idx"),
            models.Index(fields=["assigned_to", "state"], name="case_assignee_idx"),
            # The SLA sweep looks only at running clocks not yet warned about (a small, shrinking set).
            models.Index(fields=["sla_warning_at"], name="case_sla_unwarned_idx",
                         condition=models.Q(sla_running=True, sla_warned_at__isnull=True)),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.tracking_number or str(_("Draft case"))

    @property
    def process(self):
        return get_process(self.service.code, self.process_version)

    @property
    def state_def(self):
        return self.process.state(self.state)


class EventType(models.TextChoices):
    CREATED = "created", _("Case created")
    SUBMITTED = "submitted", _("Submitted")
    TRANSITION = "transition", _("State changed")
    DEFICIENCY_NOTICE = "deficiency_notice", _("Deficiency notice issued")
    RESUBMITTED = "resubmitted", _("Resubmitted after corrections")
    DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
    DATA_CHANGED = "data_changed", _("Form changed")
    NOTE = "note", _("Internal note")
    MESSAGE = "message", _("Message")
    CLAIMED = "claimed", _("Claimed")
    ASSIGNED = "assigned", _("Assigned")
    SLA_WARNING = "sla_warning", _("Deadline near")
    SLA_BREACH = "sla_breach", _("Deadline passed")
    DEADLINE_CHANGED = "deadline_changed", _("Deadline recomputed")
    # What the appointments and committees apps did to the case (the comment says what exactly).
    APPOINTMENT = "appointment", _("Visit or appointment")
    COMMITTEE = "committee", _("Committee")
    # A record-only act of the process (`Process.acts`): the transition field names it.
    ACT = "act", _("Act recorded")


class CaseEvent(ChainedModel):
    """Append-only: who did what to a case, when, from which state to which.

    The database refuses UPDATE and DELETE (core.appendonly); each event is chained by hash to the
    case's previous one (core.chain; `manage.py audit_verify`).
    """

    chain_stream = "case_id"
    chain_fields = ("case", "created_at", "event_type", "from_state", "to_state", "transition", "actor",
                    "comment", "public", "data")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case"))
    created_at = models.DateTimeField(_("time"), db_index=True)
    event_type = models.CharField(_("event"), max_length=30, choices=EventType.choices)
    from_state = models.CharField(max_length=40, blank=True, verbose_name=_("from state"))
    to_state = models.CharField(max_length=40, blank=True, verbose_name=_("to state"))
    transition = models.CharField(max_length=60, blank=True, verbose_name=_("transition"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("by"),
    )
    comment = PersianTextField(_("comment"), blank=True)
    # Whether the applicant sees this event on their timeline (internal notes are staff-only).
    public = models.BooleanField(default=True, verbose_name=_("shown to the applicant"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_idx")]
        constraints = [models.UniqueConstraint(fields=["case", "prev_hash"], name="case_event_chain_link")]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")


class TrackingSequence(models.Model):
    """The last tracking number handed out per service and Jalali year."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "year"], name="tracking_sequence_unique")]
        verbose_name = _("tracking sequence")
        verbose_name_plural = _("tracking sequences")


class DeficiencyNotice(models.Model):
    """A written list of what the applicant must fix (اعلام نواقص); one per round, all kept."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deficiency_notices", verbose_name=_("case"))
    round = models.PositiveSmallIntegerField(_("round"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"))
    summary = PersianTextField(_("summary"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "round"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="deficiency_round_unique")]
        verbose_name = _("deficiency notice")
        verbose_name_plural = _("deficiency notices")


class DeficiencyItem(models.Model):
    notice = models.ForeignKey(DeficiencyNotice, on_delete=models.CASCADE, related_name="items",
                               verbose_name=_("notice"))
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    document_code = models.CharField(_("document"), max_length=60, blank=True)
    text = PersianTextField(_("what is missing or wrong"))
    guidance = PersianTextField(_("guidance"))
    answer = PersianTextField(_("applicant's answer"), blank=True)

    class Meta:
        ordering = ["notice", "order", "id"]
        verbose_name = _("deficiency item")
        verbose_name_plural = _("deficiency items")


class Document(models.Model):
    """A checklist slot of a case (or an extra document); its file versions are kept."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents", verbose_name=_("case"))
    requirement = models.CharField(_("document"), max_length=60)
    current = models.OneToOneField(
        "DocumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("current version")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "requirement"], name="document_slot_unique")]
        verbose_name = _("document")
        verbose_name_plural = _("documents")


def _document_path(instance, filename):  # the name comes from khedmat.core.uploads.storage_name
    return filename


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions",
                                 verbose_name=_("document"))
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(upload_to=_document_path, max_length=200, verbose_name=_("file"))
    original_name = models.CharField(_("file name"), max_length=160)
    content_type = models.CharField(max_length=120, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 of the file"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded at"))
    deficiency_round = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("deficiency round"))

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
