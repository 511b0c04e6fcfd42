from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One message to one person on one channel, written in the producer's transaction.

    States:

    * ``pending`` — waiting to be sent; due when ``next_attempt_at`` has passed (first at creation,
      later after a back-off).
    * ``sending`` — claimed by one worker; ``next_attempt_at`` is the end of its lease, after which
      the sweep may take it back (the worker died mid-send).
    * ``sent`` — delivered to the SMS provider / mail server, or stored for the in-app inbox.
      Never sent again.
    * ``failed`` — gave up after ``NOTIFICATION_MAX_ATTEMPTS``; an administrator may retry it.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        INAPP = "inapp", _("In-app")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # No separate index: the (recipient, channel, created_at) index below starts with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_index=False,
        related_name="outbox_messages", verbose_name=_("recipient"),
    )
    to = models.CharField(_("address"), max_length=254, blank=True,
                          help_text=_("Mobile number or e-mail address; empty for in-app messages."))
    # Sent verbatim (digits and marks as the producer wrote them), so not normalised like user input.
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    template = models.CharField(_("template code"), max_length=60, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # A plain id, not a foreign key: the case engine links its messages without this app importing it.
    case_id = models.BigIntegerField(_("case ID"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The retry sweep: due rows only, so the index stays small however many are sent.
            models.Index(
                fields=["next_attempt_at"], name="notif_outbox_due_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
            # The in-app inbox, newest first.
            models.Index(fields=["recipient", "channel", "-created_at"], name="notif_outbox_inbox_idx"),
            # The unread badge on every page.
            models.Index(
                fields=["recipient"], name="notif_outbox_unread_idx",
                condition=Q(channel="inapp", read_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="inapp", recipient__isnull=False) | (~Q(channel="inapp") & ~Q(to="")),
                name="notif_outbox_has_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to or self.recipient_id}: {self.subject or self.template}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class SentMessage(models.Model):
    """Every message handed to a backend (SMS provider, mail server), with its outcome: one row per
    attempt. Bodies holding secrets are kept only where the development outbox is enabled; elsewhere
    they are stored redacted."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, default="sms")
    to = models.CharField(_("recipient"), max_length=254, db_index=True)
    body = models.TextField(_("text"))
    purpose = models.CharField(_("purpose"), max_length=60, blank=True)
    backend = models.CharField(_("backend"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    outbox_message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempt_log",
        verbose_name=_("outbox message"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}"
