def client_ip(request) -> str | None:
    """The client's address. Behind the intranet proxy, set REMOTE_ADDR from the proxy (not X-F-F)."""
    return request.META.get("REMOTE_ADDR") or None
