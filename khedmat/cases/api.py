"""REST API for cases, documents, transitions and the staff queue — the same rules as the pages."""
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import parsers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from khedmat.cases import selectors, services
from khedmat.cases.abilities import case_abilities
from khedmat.cases.access import case_get_for_user
from khedmat.cases.forms import cleaned_to_data, service_form_for_data
from khedmat.cases.models import Case, CaseEvent, DocumentVersion
from khedmat.cases.process import get_process, has_process
from khedmat.catalog.models import Service
from khedmat.core.api import CodeField
from khedmat.core.ids import MAX_ID
from khedmat.organizations.models import Organization


class CaseOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    tracking_number = serializers.CharField(allow_null=True)
    service = serializers.CharField(source="service.code")
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    organization = serializers.CharField(source="organization.national_id", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    first_submitted_at = serializers.DateTimeField(allow_null=True)
    sla = serializers.SerializerMethodField()

    def get_state_label(self, case) -> str:
        return str(case.state_def.label)

    def get_sla(self, case) -> dict:
        view = selectors.sla_view(case, calendars=self.context.setdefault("calendars", {}))
        return {"status": view.status, "used_working_days": view.used, "target_working_days": view.target,
                "deadline": view.deadline.isoformat() if view.deadline else None}


class EventOutput(serializers.Serializer):
    time = serializers.DateTimeField(source="created_at")
    event = serializers.CharField(source="event_type")
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.SerializerMethodField()
    comment = serializers.CharField()

    def get_actor(self, event) -> str:
        return event.actor.get_full_name() if event.actor_id else ""


class DocumentVersionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    requirement = serializers.CharField(source="document.requirement")
    number = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


def _case(request, public_id) -> Case:
    return case_get_for_user(user=request.user, public_id=public_id)


class CaseListCreateApi(APIView):
    @extend_schema_serializer(component_name="CaseCreateInput")  # unique names in the schema (check --deploy)
    class InputSerializer(serializers.Serializer):
        service = CodeField()
        organization = serializers.CharField(required=False, allow_blank=True, help_text="Organization national ID")
        data = serializers.DictField(required=False,
                                     help_text="The service's declaration, in the shape of the case data "
                                     "(service 4: kind, contractor_type, fields [{field, grade}])")

    @extend_schema(responses=CaseOutput(many=True))
    def get(self, request):
        cases = selectors.cases_for_applicant(user=request.user)[:200]
        return Response(CaseOutput(cases, many=True).data)

    @extend_schema(request=InputSerializer, responses=CaseOutput)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = Service.objects.filter(code=data.validated_data["service"], is_published=True).first()
        if service is None or not has_process(service.code):
            raise Http404
        organization = None
        if data.validated_data.get("organization"):
            organization = Organization.objects.filter(national_id=data.validated_data["organization"]).first()
            if organization is None:
                raise Http404
        declared, title = None, ""
        if data.validated_data.get("data"):
            process = get_process(service.code)
            if process.form_class:
                form = service_form_for_data(import_string(process.form_class), data.validated_data["data"])
                if not form.is_valid():
                    return Response({"message": _("The request has invalid fields."), "code": "invalid",
                                     "extra": {"fields": form.errors}}, status=400)
                declared, title = cleaned_to_data(form.cleaned_data)
        case = services.case_create(service=service, applicant=request.user, organization=organization,
                                    data=declared, title=title)
        return Response(CaseOutput(case).data, status=201)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseOutput)
    def get(self, request, public_id):
        return Response(CaseOutput(_case(request, public_id)).data)


class CaseEventsApi(APIView):
    @extend_schema(responses=EventOutput(many=True))
    def get(self, request, public_id):
        case = _case(request, public_id)
        events = selectors.case_timeline(case=case, staff_view=case_abilities(case=case, user=request.user).staff)
        return Response(EventOutput(events, many=True).data)


class AbilityOutput(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["transition", "act", "platform"])
    blocked = serializers.CharField(help_text="Why it cannot be done yet (a guard's reason), or empty.")


class CaseAbilitiesApi(APIView):
    """What the caller may do on the case now: the same answer the case page and the writes give."""

    @extend_schema(responses=AbilityOutput(many=True))
    def get(self, request, public_id):
        abilities = case_abilities(case=_case(request, public_id), user=request.user)
        return Response(AbilityOutput(abilities.offers.values(), many=True).data)


class CaseDocumentsApi(APIView):
    parser_classes = [parsers.MultiPartParser]

    @extend_schema_serializer(component_name="DocumentUploadInput")  # unique names in the schema (check --deploy)
    class InputSerializer(serializers.Serializer):
        requirement = CodeField()
        file = serializers.FileField()

    @extend_schema(responses=DocumentVersionOutput(many=True))
    def get(self, request, public_id):
        case = _case(request, public_id)

        versions = DocumentVersion.objects.filter(document__case=case).select_related("document")
        return Response(DocumentVersionOutput(versions, many=True).data)

    @extend_schema(request=InputSerializer, responses=DocumentVersionOutput)
    def post(self, request, public_id):
        case = _case(request, public_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        version = services.document_upload(case=case, requirement=data.validated_data["requirement"],
                                           fileobj=upload.file, filename=upload.name, size=upload.size, by=request.user)
        return Response(DocumentVersionOutput(version).data, status=201)


class CaseTransitionApi(APIView):
    @extend_schema_serializer(component_name="CaseTransitionInput")  # unique names in the schema (check --deploy)
    class InputSerializer(serializers.Serializer):
        transition = serializers.CharField(max_length=60)
        version = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(request=InputSerializer, responses=CaseOutput)
    def post(self, request, public_id):
        case = _case(request, public_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        name = data.validated_data["transition"]
        version = data.validated_data["version"]
        if case.process.submit_transition == name:
            case = services.case_submit(case=case, by=request.user, expected_version=version)
        else:
            case = services.case_transition(case=case, name=name, by=request.user, expected_version=version,
                                            comment=data.validated_data.get("comment", ""))
        return Response(CaseOutput(Case.objects.select_related("service").get(pk=case.pk)).data)


class QueueApi(APIView):
    class FilterSerializer(serializers.Serializer):
        service = serializers.CharField(required=False, allow_blank=True)
        state = serializers.CharField(required=False, allow_blank=True)
        sla = serializers.ChoiceField(required=False, allow_blank=True,
                                      choices=["", "on_track", "warning", "breached", "paused"])
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)
        scope = serializers.ChoiceField(required=False, choices=["role", "mine", "all"], default="role")

    @extend_schema(parameters=[FilterSerializer], responses=CaseOutput(many=True))
    def get(self, request):
        if not request.user.is_staff_member:
            raise Http404
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        cases = selectors.queue_for_staff(staff=request.user, service=f.get("service", ""), state=f.get("state", ""),
                                          sla_status=f.get("sla", ""), q=f.get("q", ""), scope=f.get("scope", "role"))
        return Response(CaseOutput(cases[:100], many=True).data)


__all__ = ["CaseEvent"]
