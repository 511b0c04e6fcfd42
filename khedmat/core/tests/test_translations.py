"""The Persian catalogue is complete: every string in the code is translated, none is fuzzy."""
import importlib
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db.models import Choices
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import override

import khedmat
from khedmat.cases.models import EventType

PO = Path(settings.BASE_DIR) / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_translations_keep_placeholders_and_persian_letters():
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
    known = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
    alias = re.compile(r"from django\.utils\.translation import .*\b(?:n|p)?gettext(?:_lazy)? as (\w+)")
    offenders = []
    for path in (Path(settings.BASE_DIR) / "khedmat").rglob("*.py"):
        for name in alias.findall(path.read_text(encoding="utf-8")):
            if name not in known:
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {name}")
    assert not offenders, offenders


# -- labels that reach people through models, the admin and timelines --------------------------------------

def _persian(text) -> bool:
    return bool(re.search("[\u0600-\u06ff]", str(text)))


def _translated(label) -> bool:
    """Under fa, a label is Persian: its translation differs from the English msgid or has Persian letters."""
    text = force_str(label)
    if _persian(text):
        return True
    if isinstance(label, Promise):  # lazy: its msgid is the English it was written with
        with override(None):
            return force_str(label) != text
    return False


def _fa(fn):
    with translation.override("fa"):
        return fn()


def _none_left(gaps):
    assert not gaps, "not translated to Persian:\n" + "\n".join(map(str, gaps))


def _own_models():
    return [m for m in apps.get_models() if m.__module__.startswith("khedmat.")]


def _choice_labels(choices):
    for value, label in choices or ():
        if isinstance(label, (list, tuple)):  # grouped choices
            yield from _choice_labels(label)
        else:
            yield value, label


def test_model_verbose_names_are_persian():
    def gaps():
        found = []
        for model in _own_models():
            for name in ("verbose_name", "verbose_name_plural"):
                if not _translated(getattr(model._meta, name)):
                    found.append(f"{model._meta.label}.{name}: {getattr(model._meta, name)}")
        return found

    _none_left(_fa(gaps))


def test_model_field_verbose_names_are_persian():
    """Every field a form, the admin or an export shows has a Persian name (internal ones are not edited)."""
    def gaps():
        found = []
        for model in _own_models():
            for field in model._meta.get_fields():
                if field.auto_created or not getattr(field, "editable", False) or field.name in ("id", "password"):
                    continue
                if not _translated(field.verbose_name):
                    found.append(f"{model._meta.label}.{field.name}: {field.verbose_name}")
        return found

    _none_left(_fa(gaps))


def test_every_choice_label_is_persian():
    """Model fields' choices, and every TextChoices / IntegerChoices class of the project's modules."""
    classes = set()
    for info in pkgutil.walk_packages(khedmat.__path__, "khedmat."):
        if (".tests" in info.name or ".migrations" in info.name or info.name.startswith("khedmat.settings")
                or info.name.endswith(("conftest", "testing_servers"))):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Choices) and value.__module__ == module.__name__:
                classes.add(value)
    assert len(classes) > 20

    def gaps():
        found = [f"{c.__module__}.{c.__name__}.{member.name}: {member.label}"
                 for c in classes for member in c if not _translated(member.label)]
        for model in _own_models():
            for field in model._meta.get_fields():
                for value, label in _choice_labels(getattr(field, "choices", None)):
                    if not _translated(label):
                        found.append(f"{model._meta.label}.{field.name}={value}: {label}")
        return sorted(set(found))

    _none_left(_fa(gaps))


def test_admin_titles_and_app_names_are_persian():
    def gaps():
        site = admin.site
        found = [f"site.{name}: {getattr(site, name)}" for name in ("site_header", "site_title", "index_title")
                 if not _translated(getattr(site, name))]
        found += [f"app {config.label}: {config.verbose_name}" for config in apps.get_app_configs()
                  if config.name.startswith("khedmat.") and not _translated(config.verbose_name)]
        for model, model_admin in site._registry.items():
            for name in model_admin.list_display:
                attribute = getattr(model_admin, name, None) if isinstance(name, str) else name
                description = getattr(attribute, "short_description", None)
                if description is not None and not _translated(description):
                    found.append(f"{model._meta.label} admin column {name}: {description}")
        return found

    _none_left(_fa(gaps))


def test_case_event_types_are_persian():
    _none_left(_fa(lambda: [member.label for member in EventType if not _translated(member.label)]))
