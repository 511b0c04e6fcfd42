"""The Persian catalogue is complete: every string in the code is translated, none is fuzzy."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_translations_keep_placeholders_and_persian_letters():
    import re

    for entry in polib.pofile(str(PO)):
        if not entry.translated():
            continue
        strings = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in strings:
            assert set(re.findall(r"%\(\w+\)s", text)) == set(re.findall(r"%\(\w+\)s", entry.msgid)), entry.msgid
            assert "\u064a" not in text and "\u0643" not in text, entry.msgid


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Run makemessages on a copy of the project and compare msgids (needs GNU gettext)."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is required in CI to check the catalogue")
        pytest.skip("GNU gettext is not installed")
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    for name in ("khedmat", "templates", "manage.py"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        else:
            shutil.copy(source, copy / name)
    (copy / "locale" / "fa" / "LC_MESSAGES").mkdir(parents=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "khedmat.settings.test", "KHEDMAT_VAR_DIR": str(tmp_path / "var"),
           "PYTHONPATH": str(copy)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fa", "--no-location", "--no-obsolete"],
        cwd=copy, env=env, check=True, capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale" / "fa" / "LC_MESSAGES" / "django.po"))}
    known = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = sorted(fresh - known)
    assert not missing, f"strings missing from the catalogue (run `make catalogue`): {missing[:10]}"


def test_translation_functions_are_imported_under_names_makemessages_reads():
    """`gettext_lazy as _lazy` hides every string from makemessages: it would stay English forever."""
    import re

    known = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
    alias = re.compile(r"from django\.utils\.translation import .*\b(?:n|p)?gettext(?:_lazy)? as (\w+)")
    offenders = []
    for path in (Path(settings.BASE_DIR) / "khedmat").rglob("*.py"):
        for name in alias.findall(path.read_text(encoding="utf-8")):
            if name not in known:
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {name}")
    assert not offenders, offenders
