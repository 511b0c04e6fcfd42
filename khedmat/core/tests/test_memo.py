"""One read per thing per request: kept inside a request, never outside one."""
from types import SimpleNamespace

from khedmat.core import memo


def _counting():
    calls = []
    return calls, (lambda: calls.append(1) or len(calls))


def test_outside_a_request_every_call_reads():
    calls, compute = _counting()
    thing = SimpleNamespace(pk=1)
    assert memo.remember(thing, "k", compute) == 1 and memo.remember(thing, "k", compute) == 2


def test_inside_a_request_a_read_is_kept_until_forgotten():
    calls, compute = _counting()
    thing, other = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    seen = {}

    def view(request):
        seen["first"] = memo.remember(thing, "k", compute)
        seen["again"] = memo.remember(SimpleNamespace(pk=1), "k", compute)  # the same row read again: kept
        seen["other"] = memo.remember(other, "k", compute)
        memo.forget(thing, "k")
        seen["after write"] = memo.remember(thing, "k", compute)
        return "ok"

    assert memo.RequestMemoMiddleware(view)(object()) == "ok"
    assert seen == {"first": 1, "again": 1, "other": 2, "after write": 3}
    assert memo.remember(thing, "k", compute) == 4  # the request is over: nothing kept
