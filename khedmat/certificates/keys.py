"""The organization's signing keys, loaded once per process from settings (or a development key)."""
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from khedmat.certificates import signing


@lru_cache(maxsize=1)
def keyring() -> signing.KeyRing:
    return signing.load_keyring(
        private_key_pem=settings.CERT_SIGNING_KEY or None,
        key_dir=Path(settings.CERT_KEY_DIR),
        retired_public_keys=list(settings.CERT_RETIRED_PUBLIC_KEYS),
    )


def public_keys() -> dict[str, bytes]:
    return keyring().public_keys
