from django.contrib import admin

from khedmat.core.admin import KhedmatModelAdmin
from khedmat.services.contractor_qualification.models import ContractingField


@admin.register(ContractingField)
class ContractingFieldAdmin(KhedmatModelAdmin):
    list_display = ["name", "code", "ordering", "is_active"]
