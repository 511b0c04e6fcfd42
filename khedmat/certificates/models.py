"""Official documents: certificates, licences and numbered letters, signed and publicly verifiable.

A document is frozen at issue: its public content is signed (Ed25519) into a token that the QR code
and the PDF carry, so a verifier can detect an altered document offline. Revocation never deletes:
the row stays and the verification page says "revoked on <date>" (LESSONS.md).
"""
from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.catalog.models import Service
from khedmat.core.fields import PersianCharField, PersianTextField


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    LICENCE = "licence", _("Licence")
    LETTER = "letter", _("Letter")


# What a document's number is called on its face: a licence's is «شماره پروانه», not «شماره گواهینامه».
NUMBER_LABELS = {
    DocumentKind.CERTIFICATE: _("Certificate number"),
    DocumentKind.LICENCE: _("Licence number"),
    DocumentKind.LETTER: _("Letter number"),
}
REPLACES_LABELS = {
    DocumentKind.CERTIFICATE: _("Replaces certificate number %(number)s"),
    DocumentKind.LICENCE: _("Replaces licence number %(number)s"),
    DocumentKind.LETTER: _("Replaces letter number %(number)s"),
}
VALIDITY_NOTICES = {
    DocumentKind.CERTIFICATE: _("This certificate is valid only if the details shown when its code is checked on the "
                                "verification page match this printout."),
    DocumentKind.LICENCE: _("This licence is valid only if the details shown when its code is checked on the "
                            "verification page match this printout."),
}


class DocumentType(models.Model):
    """A kind of official document; reference data an administrator maintains."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = PersianCharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("service"))
    number_prefix = models.CharField(_("number prefix"), max_length=10,
                                     help_text=_("Digits that start every number of this type."))
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), null=True, blank=True, help_text=_("Empty: the document does not expire."))
    template = models.CharField(_("template"), max_length=200, default="certificates/pdf/certificate.html")
    objection_text = models.TextField(
        _("how to object"), blank=True,
        help_text=_("Printed on every refusal issued with this type: where and by when the applicant may object."))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self) -> str:
        return self.title

    @property
    def number_label(self) -> str:
        return str(NUMBER_LABELS.get(self.kind, NUMBER_LABELS[DocumentKind.CERTIFICATE]))


class NumberSequence(models.Model):
    """Last number handed out per type and Jalali year; incremented in the issuing transaction, so a
    failed issuance gives its number back (no gaps) and the row lock serialises issuers (no duplicates)."""

    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("document type"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document_type", "year"], name="number_sequence_unique")]
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")


class DocumentStatus(models.TextChoices):
    """The stored status. Expiry is not stored: it takes effect by date (see `EffectiveStatus`)."""

    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced")  # by a renewal, an upgrade or a corrected re-issue (`replaced_by`)


class EffectiveStatus(models.TextChoices):
    """The status a reader is told, from the one rule `OfficialDocument.effective_status`."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced")


class RevocationReason(models.TextChoices):
    ERROR = "error", _("Issued in error")
    HOLDER_REQUEST = "holder_request", _("At the holder's request")
    VIOLATION = "violation", _("Violation of the conditions")
    REPLACED = "replaced", _("Replaced by a new document")
    OTHER = "other", _("Other")


class HolderKind(models.TextChoices):
    """The codes a service may store as a document's `holder_kind` (others store the Persian label itself)."""

    LEGAL = "legal", _("Legal person")
    NATURAL = "natural", _("Natural person")


def holder_kind_label(value: str) -> str:
    """What a holder kind reads as on a document or page: the Persian label of a code, or the stored label."""
    return str(HolderKind(value).label) if value in HolderKind.values else value


class OfficialDocument(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="documents",
                                      verbose_name=_("type"))
    number = models.CharField(_("number"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    serial = models.PositiveIntegerField(verbose_name=_("serial number"))
    # A short code people type into the verification page: random, with a check digit, so that
    # typing numbers in sequence finds nothing.
    verification_code = models.CharField(_("verification code"), max_length=12, unique=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="official_documents", verbose_name=_("case"))
    reference = models.CharField(max_length=80, blank=True, db_index=True,
                                 help_text="What produced it, e.g. deficiency_notice:12", verbose_name=_("reference"))
    holder_name = PersianCharField(_("holder or recipient"), max_length=200)
    holder_national_id = models.CharField(_("holder's national ID"), max_length=11, blank=True)
    holder_kind = models.CharField(_("holder kind"), max_length=20, blank=True)
    scope = models.JSONField(_("scope"), default=list, blank=True)  # [{"label": …, "value": …}]
    content = models.JSONField(_("content"), default=dict, blank=True)  # letters: subject, body, items
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    signer_name = PersianCharField(_("signed by"), max_length=120)
    signer_title = PersianCharField(_("signatory's title"), max_length=120)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.VALID)
    status_reason = models.CharField(_("reason"), max_length=20, choices=RevocationReason.choices, blank=True)
    status_note = PersianTextField(_("note"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by",
                                    verbose_name=_("replaces"))
    token = models.TextField(editable=False)  # signed public content (khedmat.certificates.signing)
    key_id = models.CharField(max_length=16, editable=False)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["document_type", "year", "serial"],
                                               name="document_serial_unique")]
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")

    def __str__(self) -> str:
        return self.number

    @property
    def holder_kind_label(self) -> str:
        return holder_kind_label(self.holder_kind)

    def effective_status(self, today: dt.date | None = None) -> str:
        """valid, expired, suspended, revoked or replaced — the one rule every page and the JSON use.
        Expiry takes effect by date, with no job to run; a replaced document says so even after its date."""
        if self.status != DocumentStatus.VALID:
            return self.status
        if self.valid_until and self.valid_until < (today or timezone.localdate()):
            return EffectiveStatus.EXPIRED
        return EffectiveStatus.VALID

    @property
    def status_label(self) -> str:
        """The label of `effective_status` (an expired licence is never shown «معتبر»)."""
        return str(EffectiveStatus(self.effective_status()).label)

    @property
    def replacement(self) -> OfficialDocument | None:
        """The document that replaced this one, if any."""
        try:
            return self.replaced_by
        except OfficialDocument.DoesNotExist:
            return None


class VerificationLog(models.Model):
    """Every lookup on the public verification page or its JSON: for rate limits and for the record."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP address"))
    query = models.CharField(max_length=100, blank=True, verbose_name=_("what was asked"))
    document = models.ForeignKey(OfficialDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("document"))
    found = models.BooleanField(default=False, verbose_name=_("found"))
    channel = models.CharField(max_length=10, default="page", verbose_name=_("channel"))

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"], name="verification_ip_idx")]
        verbose_name = _("verification log")
        verbose_name_plural = _("verification logs")
