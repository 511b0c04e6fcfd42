"""Reads kept for the life of one request, so that a page asking the same question in several places (the case
page's panel, its abilities and its template tags) reads the database once (issue 19: "one read per thing per
request"). `RequestMemoMiddleware` opens the memo for a request and drops it at the end; outside a request (a task,
a management command, a test calling services) nothing is kept and every call reads. A service that writes what such
a read returns calls `forget`, so that a guard asked after the write, in the same request, reads again."""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("khedmat_request_memo", default=None)


def remember(obj, key: str, compute: Callable[[], T]) -> T:
    """`compute()` the first time `key` is asked of `obj` in this request, the same value afterwards."""
    store = _memo.get()
    if store is None:
        return compute()
    slot = (type(obj), obj.pk, key)
    if slot not in store:
        store[slot] = compute()
    return store[slot]


def forget(obj, *keys: str) -> None:
    """Drop what `remember` kept about `obj` under `keys` in this request."""
    store = _memo.get()
    if store:
        for key in keys:
            store.pop((type(obj), obj.pk, key), None)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
