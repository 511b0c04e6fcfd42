from django.http import Http404


def report(request):  # replaced by the service report
    raise Http404
