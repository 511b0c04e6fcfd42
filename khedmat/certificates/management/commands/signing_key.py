"""Show the signing key in use, rotate the development key, or print the public keys document."""
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from khedmat.certificates import signing
from khedmat.certificates.keys import keyring


class Command(BaseCommand):
    help = "Signing keys of official documents: --rotate (development keys), --public (keys.json)."

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true",
                            help="Generate a new development key; old ones stay verifiable.")
        parser.add_argument("--public", action="store_true", help="Print the published public keys document.")

    def handle(self, *args, rotate=False, public=False, **options):
        if rotate:
            if settings.CERT_SIGNING_KEY:
                raise CommandError("CERT_SIGNING_KEY is set: rotate by deploying a new key and adding the old "
                                   "public key to CERT_RETIRED_PUBLIC_KEYS.")
            kid = signing.keyring_rotate(key_dir=Path(settings.CERT_KEY_DIR))
            keyring.cache_clear()
            self.stdout.write(f"New signing key {kid}; earlier keys remain published for verification.")
            return
        if public:
            self.stdout.write(json.dumps(signing.public_keys_document(keyring()), ensure_ascii=False, indent=2))
            return
        ring = keyring()
        self.stdout.write(f"active key: {ring.active_id}; published keys: {', '.join(sorted(ring.public_keys))}")
