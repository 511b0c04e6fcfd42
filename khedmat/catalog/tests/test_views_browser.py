"""Service 4's page in Chromium: the mixed references of its legal basis read in logical order."""
import pytest
from django.template import Context, Template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each text node holding `number`: where the first character of its number (the run before «/»)
# and its letter «ت» are drawn. Right to left, the first run must be drawn to the right of the letter.
_POSITIONS = """(number) => {
  const out = []; const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const left = (node, i) => {
    range.setStart(node, i); range.setEnd(node, i + 1); return range.getBoundingClientRect();
  };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(number);
    if (at < 0) continue;
    const first = left(node, at), letter = left(node, at + number.indexOf("ت"));
    out.push({first: first.left, letter: letter.left, same_line: Math.abs(first.top - letter.top) < 2});
  }
  return out;
}"""


def test_mixed_references_are_drawn_right_to_left_in_logical_order(browser_page):
    """«۲۰۶۳۷/ت۲۸۴۳۷ه» forced left to right is drawn so that it reads «ت۲۸۴۳۷ه/۲۰۶۳۷»."""
    page = browser_page
    page.set_viewport_size({"width": 1600, "height": 900})  # one line each: a wrap is not a reordering
    page.goto("/services/contractor_qualification/")
    for number in ("۲۰۶۳۷/ت۲۸۴۳۷ه", "۴۸۰۱۳/ت۲۳۲۵۱ه"):
        positions = page.evaluate(_POSITIONS, number)
        assert positions, number
        for where in positions:
            assert where["same_line"] and where["first"] > where["letter"], (number, where)
    # The same value through the `ltr` filter, as any page that isolates an identifier would draw it.
    html = Template('<p dir="rtl">آیین نامه {{ v|ltr }} مورخ</p>').render(Context({"v": "20637/ت28437ه"}))
    page.set_content(f'<html dir="rtl"><body>{html}</body></html>')
    [where] = page.evaluate(_POSITIONS, "۲۰۶۳۷/ت۲۸۴۳۷ه")
    assert where["first"] > where["letter"], where
