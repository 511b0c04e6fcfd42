from django.dispatch import receiver

from khedmat.appointments.signals import visit_report_recorded
from khedmat.services.institute_accreditation.constants import SERVICE_CODE
from khedmat.services.institute_accreditation.models import SupervisionKind, SupervisionRecord


@receiver(visit_report_recorded, dispatch_uid="ia_supervision_visit")
def supervision_visit_reported(sender, report, by, **kwargs):
    """A held supervision visit is a supervision finding of the licensed institute (step ۲۳)."""
    appointment = report.appointment
    if appointment.kind != "supervision_visit" or appointment.case.service.code != SERVICE_CODE:
        return
    score = f" — {report.total}" if report.total is not None else ""
    SupervisionRecord.objects.create(case=appointment.case, kind=SupervisionKind.FINDING, appointment=appointment,
                                     text=f"{report.notes}{score}", recorded_by=by)
