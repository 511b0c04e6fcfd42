from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from khedmat.core import ids  # noqa: F401  (registers the <id:…> path converter used by every URLconf)
from khedmat.core import views as core_views
from khedmat.core.admin import is_administrator


def _admin_login(request, extra_context=None):
    # One login for everyone, with the staff second factor; the admin's own form would skip it.
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.GET.get('next', '/admin/')})}")


admin.site.login = _admin_login
admin.site.has_permission = lambda request: is_administrator(request.user)
admin.site.site_header = _("Khedmat administration")
admin.site.site_title = _("Khedmat administration")
admin.site.index_title = _("Reference data, users and settings")

urlpatterns = [
    path("", include("khedmat.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("khedmat.accounts.urls")),
    path("organizations/", include("khedmat.organizations.urls")),
    path("services/", include("khedmat.catalog.urls")),
    path("cases/", include("khedmat.cases.urls")),
    path("contractors/", include("khedmat.services.contractor_qualification.urls.case")),
    path("staff/cases/", include("khedmat.cases.staff_urls")),
    path("api/", include("khedmat.api_urls")),
    path("notifications/", include("khedmat.notifications.inbox_urls")),
    path("verify/", include("khedmat.certificates.urls")),
    path("V/", include("khedmat.certificates.qr_urls")),  # QR codes of documents (ADR 0018)
    path("registry/", include("khedmat.services.contractor_qualification.urls.registry")),
    path("staff/contractors/companies/", include("khedmat.services.contractor_qualification.urls.company")),
    path("documents/", include("khedmat.certificates.download_urls")),
    path("staff/documents/", include("khedmat.certificates.staff_urls")),
    path("payments/", include("khedmat.payments.urls")),
    path("staff/payments/", include("khedmat.payments.staff_urls")),
    path("staff/contractors/report/", include("khedmat.services.contractor_qualification.urls.report")),
    path("staff/inquiries/", include("khedmat.inquiries.urls")),
    path("staff/contractors/referrals/", include("khedmat.services.contractor_qualification.urls.referrals")),
    path("accreditation/", include("khedmat.services.institute_accreditation.urls.case")),
    path("institutes/", include("khedmat.services.institute_accreditation.urls.public")),
    path("staff/accreditation/report/", include("khedmat.services.institute_accreditation.urls.report")),
    path("committees/", include("khedmat.committees.urls")),
    path("appointments/", include("khedmat.appointments.urls")),
    path("calendar/", include("khedmat.workcalendar.urls")),
    path("staff/organizations/", include("khedmat.organizations.staff_urls")),
    path("staff/calendar/", include("khedmat.workcalendar.staff_urls")),
    path("dev/", include("khedmat.notifications.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "khedmat.core.views.error_400"
handler403 = "khedmat.core.views.error_403"
handler404 = "khedmat.core.views.error_404"
handler500 = "khedmat.core.views.error_500"
