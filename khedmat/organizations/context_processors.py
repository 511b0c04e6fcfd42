from django.utils.functional import SimpleLazyObject

from khedmat.organizations.selectors import acting_organization as _acting


def acting_organization(request):
    return {"acting_organization": SimpleLazyObject(lambda: _acting(request))}
