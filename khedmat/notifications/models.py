from django.db import models
from django.utils.translation import gettext_lazy as _


class SentMessage(models.Model):
    """Every SMS handed to a backend, with its outcome. Bodies holding secrets are kept only where
    the development outbox is enabled; elsewhere they are stored redacted."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, default="sms")
    to = models.CharField(_("recipient"), max_length=64, db_index=True)
    body = models.TextField(_("text"))
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    backend = models.CharField(_("backend"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}"
