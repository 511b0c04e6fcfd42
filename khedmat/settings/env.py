"""Small, strict readers for settings that come from the environment.

Each raises ImproperlyConfigured on a malformed value, so a typo in a deployment fails at start-up
rather than silently falling back to a default.
"""
import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to an unreadable file: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def site_url_check(raw: str) -> str:
    """The production site URL: http(s), a host that is not this machine, no path beyond "/"."""
    if not raw:
        raise ImproperlyConfigured(
            "Production needs KHEDMAT_SITE_URL (e.g. https://khedmat.example.ir): the address printed in QR codes "
            "and verification links."
        )
    parts = urlsplit(raw.strip())
    host = (parts.hostname or "").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if parts.scheme not in {"http", "https"} or not host or loopback or parts.path not in {"", "/"} \
            or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"KHEDMAT_SITE_URL must be the public http(s) address of the site, not {raw!r} (no path, not 127.0.0.1)."
        )
    return raw.strip().rstrip("/")
