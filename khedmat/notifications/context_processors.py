import functools

from khedmat.notifications.selectors import inapp_unread_count


@functools.total_ordering
class _LazyCount:
    """An int computed on first use and then kept: templates may never look at it."""

    def __init__(self, compute):
        self._compute = compute

    @functools.cached_property
    def value(self) -> int:
        return self._compute()

    def __int__(self) -> int:
        return self.value

    __index__ = __int__

    def __bool__(self) -> bool:
        return bool(self.value)

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:
        return f"<unread count {self.value}>"

    def __eq__(self, other) -> bool:
        return self.value == (other.value if isinstance(other, _LazyCount) else other)

    def __lt__(self, other) -> bool:
        return self.value < (other.value if isinstance(other, _LazyCount) else other)

    def __hash__(self) -> int:
        return hash(self.value)


def unread_count(request):
    """`notifications_unread_count`: the signed-in user's unread in-app messages.

    Lazy: the one COUNT query runs only if a template uses the value (`{% if notifications_unread_count %}`,
    `{{ notifications_unread_count|fa }}`), and at most once per request.
    """

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return inapp_unread_count(user=user)

    return {"notifications_unread_count": _LazyCount(count)}
