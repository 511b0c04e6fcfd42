from django.urls import path

from khedmat.committees import views

app_name = "committees"
urlpatterns = [
    path("", views.my_sessions, name="mine"),
    path("<id:committee_id>/schedule/", views.schedule, name="schedule"),
    path("sessions/<uuid:public_id>/", views.session_detail, name="session"),
    path("sessions/<uuid:public_id>/agenda/", views.agenda_add, name="agenda-add"),
    path("sessions/<uuid:public_id>/agenda/<id:item_id>/remove/", views.agenda_remove, name="agenda-remove"),
    path("sessions/<uuid:public_id>/invitations/", views.invitations, name="invitations"),
    path("sessions/<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path("sessions/<uuid:public_id>/attendance/", views.attendance, name="attendance"),
    path("sessions/<uuid:public_id>/items/<id:item_id>/", views.item_detail, name="item"),
    path("sessions/<uuid:public_id>/minutes/issue/", views.minutes_issue, name="minutes-issue"),
    path("sessions/<uuid:public_id>/minutes/withdraw/", views.minutes_withdraw, name="minutes-withdraw"),
    path("sessions/<uuid:public_id>/minutes/confirm/", views.minutes_confirm, name="minutes-confirm"),
    path("sessions/<uuid:public_id>/minutes.pdf", views.minutes_pdf, name="minutes-pdf"),
    path("sessions/<uuid:public_id>/invitation.pdf", views.invitation_pdf, name="invitation-pdf"),
    path("sessions/<uuid:public_id>/decisions/<id:decision_id>/correct/", views.decision_correct, name="correct"),
    path("sessions/<uuid:public_id>/decisions/<id:decision_id>/correction.pdf", views.correction_pdf,
         name="correction-pdf"),
]
