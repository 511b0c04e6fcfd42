from django.core.paginator import Paginator
from django.shortcuts import render

from floor.models import Row


def rows(request):
    """Page through the rows in deadline order, 50 to a page, as Django's tutorial would."""
    paginator = Paginator(Row.objects.filter(state="under_review").order_by("deadline", "id"), 50)
    return render(request, "floor/rows.html", {"page": paginator.get_page(request.GET.get("page"))})
