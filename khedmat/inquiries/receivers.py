"""On submission, send the inquiries the service's process declares, and pick documents at random
for written inquiry at the configured rate; on an organization's registration, check the claim."""
from django.db import transaction
from django.dispatch import receiver

from khedmat.cases.signals import case_submitted
from khedmat.inquiries.models import InquirySource
from khedmat.inquiries.services import _enqueue_claim_check, inquiry_request, written_inquiry_sample
from khedmat.organizations.signals import organization_claimed


@receiver(organization_claimed)
def _check_organization_claim(sender, organization, by, **kwargs):
    """A registration claims to act for an organization: ask the company registry after commit."""
    organization_id = organization.pk
    transaction.on_commit(lambda: _enqueue_claim_check(organization_id))


@receiver(case_submitted)
def _automatic_inquiries(sender, case, by, **kwargs):
    process = case.process
    if process.inquiries is not None:
        sources = {s.code: s for s in InquirySource.objects.filter(is_active=True)}
        for item in process.inquiries(case):
            source = sources.get(item["source"])
            if source is not None:
                inquiry_request(case=case, source=source, subject=item["subject"], declared=item.get("declared"),
                                label=item.get("label", ""), automatic=True)
    if process.written_inquiry_documents:
        issuer = InquirySource.objects.filter(code="document_issuer", is_active=True).first()
        if issuer is not None and issuer.written_sample_rate:
            labels = {d.code: str(d.label) for d in process.documents}
            for code in written_inquiry_sample(list(process.written_inquiry_documents), issuer.written_sample_rate,
                                               seed=str(case.public_id)):
                inquiry_request(case=case, source=issuer, subject={"document": labels.get(code, code)},
                                label=labels.get(code, code), automatic=True, sampled=True)
