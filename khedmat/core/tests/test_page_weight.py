"""What a visitor downloads (issue 16, point 13): the first visit, fonts included, at most 60 KB on the wire;
a later page at most 10 KB. Measured by the browser itself (Resource Timing `transferSize`: headers plus
the body as sent, 0 for what came from the cache)."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_VISIT_BUDGET = 60 * 1024
LATER_PAGE_BUDGET = 10 * 1024

ENTRIES = """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .map(e => ({url: e.name, transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize}))"""


def _visit(page, path):
    page.goto(path, wait_until="networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    entries = page.evaluate(ENTRIES)
    return entries, sum(e["transfer"] for e in entries)


@pytest.mark.parametrize("first, later", [("/", "/services/contractor_qualification/"),
                                          ("/services/", "/calendar/")])
def test_first_visit_and_later_pages_are_light(browser_page, first, later):
    page = browser_page
    entries, total = _visit(page, first)
    fonts = [e for e in entries if e["url"].endswith(".woff2")]
    detail = [(e["url"].rsplit("/", 1)[-1], e["transfer"]) for e in entries]
    print(f"first visit {first}: {total / 1024:.1f} KB {detail}")
    assert total <= FIRST_VISIT_BUDGET, detail
    assert fonts and all(e["url"].endswith("-web.woff2") for e in fonts), "the pages load the font subsets"
    html = entries[0]
    assert html["encoded"] < html["decoded"] / 2, "the HTML is sent compressed"

    entries, total = _visit(page, later)
    detail = [(e["url"].rsplit("/", 1)[-1], e["transfer"]) for e in entries]
    print(f"later page {later}: {total / 1024:.1f} KB {detail}")
    assert total <= LATER_PAGE_BUDGET, detail
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
