"""Committees and councils (کمیته، شورا): members, sessions, agendas, attendance, votes, decisions, minutes.

A decision is a record, not a button (LESSONS.md): who was present, whether the quorum was met,
each member's vote, the outcome the committee's rule gives, the reasons, and the minutes that carry
them. Decisions take effect on the cases when the minutes are confirmed; after that nothing here is
edited — a correction is a new decision linked to the one it corrects.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.core.fields import PersianCharField, PersianTextField
from khedmat.core.models import Province


class CommitteeKind(models.TextChoices):
    """The collective bodies of SERVICES.md §1.2; a process's committee step names one of these."""

    TRAINING_COMMITTEE = "training_committee", _("Training committee")
    ACCREDITATION_COMMITTEE = "accreditation_committee", _("Accreditation committee")
    STEERING_COUNCIL = "steering_council", _("Management development steering council")


class DecisionRule(models.TextChoices):
    MAJORITY = "majority", _("Majority of the voting members present")
    TWO_THIRDS = "two_thirds", _("Two thirds of the voting members present")
    UNANIMITY = "unanimity", _("Unanimity of the voting members present")


class Committee(models.Model):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province"))
    kind = models.CharField(_("kind"), max_length=40, choices=CommitteeKind.choices)
    name = PersianCharField(_("name"), max_length=200)
    quorum = models.PositiveSmallIntegerField(
        _("quorum"), null=True, blank=True,
        help_text=_("Voting members who must be present. Empty: more than half of the voting members."))
    decision_rule = models.CharField(_("decision rule"), max_length=20, choices=DecisionRule.choices,
                                     default=DecisionRule.MAJORITY)
    chair_casting_vote = models.BooleanField(
        _("the chair's vote decides a tie"), default=True,
        help_text=_("Under the majority rule, when the votes are equal the side the chair voted for wins."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["province", "kind"]
        constraints = [models.UniqueConstraint(fields=["province", "kind"], name="committee_kind_per_province")]
        verbose_name = _("committee or council")
        verbose_name_plural = _("committees and councils")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members",
                                  verbose_name=_("committee"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_memberships",
                             verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    voting = models.BooleanField(_("votes"), default=True)
    title = PersianCharField(_("title or post"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["committee", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "user"], name="committee_member_unique")]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.user.get_full_name()


class Room(models.Model):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province"))
    name = PersianCharField(_("name"), max_length=200)
    address = PersianCharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["province", "name"]
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")

    def __str__(self) -> str:
        return self.name


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held (recording)")
    MINUTES_ISSUED = "minutes_issued", _("Minutes awaiting confirmation")
    CONFIRMED = "confirmed", _("Minutes confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class Session(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="sessions",
                                  verbose_name=_("committee"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))  # Jalali year of the session
    number = models.PositiveSmallIntegerField(_("session number"))
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions",
                             verbose_name=_("room"))
    online_link = models.URLField(_("online meeting link"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=SessionState.choices, default=SessionState.SCHEDULED,
                             db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    invitations_sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("invitations sent at"))
    reminder_sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminder sent at"))
    held_at = models.DateTimeField(null=True, blank=True, verbose_name=_("held at"))
    minutes = models.ForeignKey("certificates.OfficialDocument", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("minutes"))
    minutes_issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", verbose_name=_("minutes issued by"))
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("confirmed at"))
    cancelled_reason = PersianTextField(_("reason for cancelling"), blank=True)
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))

    class Meta:
        ordering = ["-starts_at"]
        constraints = [models.UniqueConstraint(fields=["committee", "year", "number"], name="session_number_unique")]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.committee.name} {self.year}/{self.number}"

    @property
    def locked(self) -> bool:
        """Minutes issued or confirmed (or the session cancelled): nothing recorded in it changes."""
        return self.state in {SessionState.MINUTES_ISSUED, SessionState.CONFIRMED, SessionState.CANCELLED}


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the session")
    DECIDED = "decided", _("Decided")
    ROLLED_OVER = "rolled_over", _("Not reached: carried to the next session")
    WITHDRAWN = "withdrawn", _("Withdrawn from the agenda")


class AgendaItem(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="items", verbose_name=_("session"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="agenda_items",
                             verbose_name=_("case"))
    order = models.PositiveSmallIntegerField(_("order"))
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    rolled_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="rolled_to", verbose_name=_("rolled from"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("added by"))
    added_at = models.DateTimeField(default=timezone.now, verbose_name=_("added at"))

    class Meta:
        ordering = ["session", "order"]
        constraints = [models.UniqueConstraint(fields=["session", "case"], name="agenda_case_once")]
        indexes = [models.Index(fields=["case", "status"], name="agenda_case_status_idx")]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")


class Invitation(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        APPLICANT = "applicant", _("Applicant")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="invitations",
                                verbose_name=_("session"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("user"))
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("agenda item"))
    letter = models.ForeignKey("certificates.OfficialDocument", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("letter"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user", "item"], name="invitation_once",
                                               nulls_distinct=False)]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("session"))
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    present = models.BooleanField(default=False, verbose_name=_("present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="attendance_once")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approve with conditions")
    RETURN = "return", _("Return for deficiencies")
    REJECT = "reject", _("Reject")
    ABSTAIN = "abstain", _("Abstain")


class Vote(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="votes", verbose_name=_("agenda item"))
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    choice = models.CharField(max_length=30, choices=VoteChoice.choices, verbose_name=_("vote"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="vote_once")]
        verbose_name = _("vote")
        verbose_name_plural = _("recorded votes")


class Decision(models.Model):
    """The outcome of one agenda item. Never edited after the minutes are issued; a correction after
    confirmation is a new row pointing at the one it corrects."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions",
                             verbose_name=_("agenda item"))
    outcome = models.CharField(_("decision"), max_length=30, choices=VoteChoice.choices[:4])
    reasons = PersianTextField(_("reasons"), blank=True)
    conditions = PersianTextField(_("conditions"), blank=True)
    guidance = PersianTextField(_("guidance for the applicant"), blank=True)
    # {"present": n, "voting_present": n, "counts": {...}, "casting": bool}
    tally = models.JSONField(default=dict, verbose_name=_("vote tally"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="corrected_by", verbose_name=_("corrects"))
    correction_reason = PersianTextField(_("reason for the correction"), blank=True)
    correction_letter = models.ForeignKey("certificates.OfficialDocument", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("correction letter"))
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("applied at"))  # when the case moved by it

    class Meta:
        ordering = ["recorded_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")


class MinutesConfirmation(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="confirmations",
                                verbose_name=_("session"))
    minutes = models.ForeignKey("certificates.OfficialDocument", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("minutes"))
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    # signed on the printed minutes; recorded by the secretary
    on_paper = models.BooleanField(default=False, verbose_name=_("confirmed on paper"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    confirmed_at = models.DateTimeField(default=timezone.now, verbose_name=_("confirmed at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["minutes", "member"], name="confirmation_once")]
        verbose_name = _("minutes confirmation")
        verbose_name_plural = _("minutes confirmations")


class SessionSequence(models.Model):
    """Last session number per committee and Jalali year (taken under a row lock)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+", verbose_name=_("committee"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    last = models.PositiveSmallIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="session_sequence_unique")]
        verbose_name = _("session sequence")
        verbose_name_plural = _("session sequences")
