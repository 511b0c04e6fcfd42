from django.http import Http404


def licensed_list(request):  # replaced by the public list
    raise Http404
