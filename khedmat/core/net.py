"""Who is asking: the client's address, and whether it is this machine."""
import ipaddress

from django.utils.http import url_has_allowed_host_and_scheme

# Headers a reverse proxy adds: with one of them, REMOTE_ADDR is the proxy, not the person.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def client_ip(request) -> str | None:
    """The client's address. Behind the intranet proxy, set REMOTE_ADDR from the proxy (not X-F-F)."""
    return request.META.get("REMOTE_ADDR") or None


def is_loopback_client(request) -> bool:
    """True only for a request made on this machine (127.0.0.0/8, ::1) and not relayed by a proxy.

    A proxy on the same host makes every client look local, so any forwarding header means "not local".
    """
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address((client_ip(request) or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def local_return_to(request, param: str = "next") -> str:
    """The `next` (or other) parameter of the request when it is a URL of this site, else "": for "change"
    links that come back where they started (issue 16 point 11). Never another host or scheme."""
    target = request.POST.get(param) or request.GET.get(param) or ""
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""
