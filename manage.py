#!/usr/bin/env python
"""Django's command-line utility for Khedmat."""
import os
import sys


def main() -> None:
    profile = os.environ.get("KHEDMAT_PROFILE", "embedded")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"khedmat.settings.{profile}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
