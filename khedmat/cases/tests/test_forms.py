"""The queue filter: its choices are built once per language and registry, and render as they always did."""
from unittest import mock

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from khedmat.cases import forms as case_forms
from khedmat.cases.forms import QueueFilterForm, queue_filter_choices
from khedmat.cases.process import registered
from khedmat.core.forms import CachedSelect
from khedmat.testing import login


@pytest.fixture
def fresh_caches():
    case_forms._QUEUE_CHOICES.clear()
    CachedSelect._rendered.clear()
    yield
    case_forms._QUEUE_CHOICES.clear()
    CachedSelect._rendered.clear()


def _filters_html(data, processes, titles):
    form = QueueFilterForm(data, processes=processes, service_titles=titles)
    if form.is_bound:
        form.is_valid()
    return render_to_string("includes/filters.html", {"form": form, "clear_url": "/staff/cases/queue/"})


@pytest.mark.parametrize("data", [None, {"q": "x", "sort": "-deadline", "scope": "all", "sla": "breached"},
                                  {"state": "not-a-state", "service": "nope", "date_from": "abc"}])
def test_the_filters_render_the_same_from_the_cache_as_without_it(fresh_caches, data):
    processes = registered()
    titles = {p.service_code: f"خدمت {p.service_code}" for p in processes}
    data = dict(data or {}, **({"state": str(processes[0].states[1].code)} if data and "q" in data else {})) or None
    first = _filters_html(data, processes, titles)
    assert CachedSelect._rendered  # the second render is served from the cache
    assert _filters_html(data, processes, titles) == first
    # And it is what Django's own <select> renders.
    with mock.patch.object(CachedSelect, "render", forms.Select.render):
        assert _filters_html(data, processes, titles) == first
    assert "خدمت " + processes[0].service_code in first and str(processes[0].states[1].label) in first


def test_the_choices_follow_the_language_the_processes_and_the_titles(fresh_caches):
    processes = registered()
    services, states = queue_filter_choices(processes, {"x": "خدمت ایکس"})
    assert services == [("", "همه خدمات"), ("x", "خدمت ایکس")]
    # Every process's states, a state of the same code and label once.
    assert states[1:] == list(dict.fromkeys((s.code, str(s.label)) for p in processes for s in p.states))
    assert all(type(label) is str for _code, label in states)  # translated once, not on every render
    assert queue_filter_choices(processes, {"y": "خدمت وای"})[0][1] == ("y", "خدمت وای")
    assert queue_filter_choices(processes[:1], {"x": "خدمت ایکس"})[1] != states or len(processes) == 1
    with translation.override("en"):
        assert queue_filter_choices(processes, {"x": "خدمت ایکس"})[0][0] == ("", "All services")


@pytest.mark.django_db
def test_the_queue_builds_its_filter_choices_once_for_many_requests(fresh_caches, client, expert):
    login(client, expert)
    with mock.patch.object(case_forms, "_queue_filter_choices_build",
                           wraps=case_forms._queue_filter_choices_build) as build:
        first = client.get("/staff/cases/queue/")
        second = client.get("/staff/cases/queue/")
    assert first.status_code == second.status_code == 200
    assert build.call_count == 1

    def filters(response):  # the page's nonce and CSRF token change per request; the filters do not
        html = response.content.decode()
        return html[html.index('<div class="filter-line">'):html.index("</details>")]

    assert filters(first) == filters(second)
    assert str(registered()[0].states[1].label) in filters(first)

