from django.shortcuts import render

from khedmat.catalog import selectors


def service_list(request):
    return render(request, "catalog/service_list.html", {"services": selectors.service_list_published()})


def service_detail(request, code: str, version: int | None = None):
    service = selectors.service_get_published(code=code)
    in_force = selectors.statement_in_force(service=service)
    statement = selectors.statement_get_published(service=service, version=version) if version else in_force
    context = {
        "service": service,
        "statement": statement,
        "in_force": in_force,
        "scheduled": selectors.statement_scheduled(service=service),
        "ended": None if in_force else selectors.statement_ended(service=service),
        "history": selectors.statement_history(service=service),
    }
    if statement is not None:
        context.update(selectors.statement_sections(statement=statement))
    return render(request, "catalog/service_detail.html", context)
