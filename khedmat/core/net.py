"""Who is asking: the client's address, and whether it is this machine."""
import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

# Headers a reverse proxy adds: with one of them, REMOTE_ADDR is the proxy, not the person.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip().split("%")[0]))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or — only when REMOTE_ADDR is one of KHEDMAT_TRUSTED_PROXIES — the
    nearest address in X-Forwarded-For that is not itself a trusted proxy (the header's left part is written
    by the client and is never believed). Without the setting every header is ignored."""
    remote = request.META.get("REMOTE_ADDR") or None
    configured = getattr(settings, "KHEDMAT_TRUSTED_PROXIES", ())
    if not remote or not configured:
        return remote
    trusted = {address for address in map(_address, configured) if address}
    if _address(remote) not in trusted:
        return remote
    hops = [_address(hop) for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if hop is None:  # a malformed hop: what lies left of it cannot be trusted either
            return remote
        if hop not in trusted:
            return hop
    return remote


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
