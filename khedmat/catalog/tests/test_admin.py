"""The administrator's SLA statement pages: an amendment drafted from any published version saves."""
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from khedmat.catalog import services
from khedmat.catalog.models import Service, SlaStatement
from khedmat.testing import login

pytestmark = pytest.mark.django_db


def form_values(html: str) -> dict[str, list[str]]:
    """What a browser posts for the page's main form, untouched: every named field with its value."""

    class Form(HTMLParser):
        def __init__(self):
            super().__init__()
            self.values: dict[str, list[str]] = {}
            self.in_form = False
            self.textarea = None
            self.select = None
            self.option = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and attrs.get("id", "").endswith("_form"):
                self.in_form = True
            if not self.in_form:
                return
            name = attrs.get("name")
            if tag == "input" and name:
                kind = attrs.get("type", "text")
                if kind in ("submit", "button", "file", "image", "reset"):
                    return
                if kind in ("checkbox", "radio") and "checked" not in attrs:
                    return
                self.values.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
            elif tag == "textarea" and name:
                self.textarea = name
                self.values.setdefault(name, []).append("")
            elif tag == "select" and name:
                self.select = name
            elif tag == "option" and self.select and "selected" in attrs:
                self.values.setdefault(self.select, []).append(attrs.get("value", ""))

        def handle_endtag(self, tag):
            if tag == "form":
                self.in_form = False
            elif tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea][-1] += data

    parser = Form()
    parser.feed(html)
    # A textarea's first newline is not part of its value (HTML spec).
    return {k: [v[1:] if v.startswith("\n") else v for v in vs] for k, vs in parser.values.items()}


def test_an_amendment_of_every_published_statement_saves_unchanged_in_the_admin(client, administrator):
    """«بخشنامه ۱۳۰۴۳۹» has no subject in the published text: the copied draft refused it as required."""
    login(client, administrator)
    published = list(SlaStatement.objects.filter(published_at__isnull=False, superseded_by__isnull=True))
    assert len(published) == Service.objects.count() == 5
    for statement in published:
        draft = services.sla_amendment_draft(service=statement.service, by=administrator)
        url = reverse("admin:catalog_slastatement_change", args=[draft.pk])
        page = client.get(url)
        assert page.status_code == 200
        data = form_values(page.content.decode())
        assert data.get("purpose") == [statement.purpose.replace("\r\n", "\n")] or data.get("purpose")
        response = client.post(url, {**data, "_continue": "1"})
        errors = ""
        if response.status_code != 302:
            context = response.context
            errors = [context["adminform"].form.errors] + [
                f.errors for formset in context["inline_admin_formsets"] for f in formset.formset.forms if f.errors
            ]
        assert response.status_code == 302, (statement.service.code, errors)
        draft.refresh_from_db()
        assert draft.legal_references.count() == statement.legal_references.count()
        assert draft.items.count() == statement.items.count()
        assert draft.commitments.count() == statement.commitments.count()
        assert draft.purpose == statement.purpose
