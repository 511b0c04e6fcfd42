"""Chromium draws a tracking number inside a Persian sentence left to right, group by group, with
each of the project's isolations (docs/adr/0017-bidi-isolation.md), and reversed without them."""
import pytest
from django.template import Context, Template

from khedmat.core.bidi import mark_numbers

pytestmark = pytest.mark.browser

NUMBER = "۴-۱۴۰۵-۰۰۰۰۰۹-۳"
SENTENCE = f"پرونده {NUMBER} دریافت شد."

# The x of the first character of each group of the number, wherever the text nodes are.
GROUP_X = """(groups) => {
  const walker = document.createTreeWalker(document.getElementById('t'), NodeFilter.SHOW_TEXT);
  let text = '', nodes = [];
  while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
  const xs = [];
  let from = 0;
  for (const group of groups) {
    const at = text.indexOf(group, from); from = at + group.length;
    const [node, start] = nodes.filter(([n, s]) => s <= at).pop();
    const range = document.createRange();
    range.setStart(node, at - start); range.setEnd(node, at - start + 1);
    xs.push(range.getBoundingClientRect().x);
  }
  return xs;
}"""


def _xs(browser, body_html):
    page = browser.new_page()
    try:
        page.set_content(f'<html lang="fa" dir="rtl"><body><p id="t" '
                         f'style="font-size:20px">{body_html}</p></body></html>')
        return page.evaluate(GROUP_X, NUMBER.split("-"))
    finally:
        page.close()


def test_the_number_reads_left_to_right_in_html_and_in_the_sms_text(_playwright_browser):
    plain = _xs(_playwright_browser, SENTENCE)
    assert plain == sorted(plain, reverse=True)  # the bug: the first group is drawn rightmost

    page_html = Template("{{ s|bidi }}").render(Context({"s": SENTENCE}))
    one_value = Template("پرونده {{ n|ltr }} دریافت شد.").render(Context({"n": NUMBER}))
    sms = mark_numbers(SENTENCE)  # what the SMS and the stored in-app text carry
    for html in (page_html, one_value, sms):
        xs = _xs(_playwright_browser, html)
        assert xs == sorted(xs), html  # first group leftmost, in order
