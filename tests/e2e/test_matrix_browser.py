"""The recognition matrix as the eye sees it: each status has its colour and a late cell its red outline
(Bootstrap's table rules once painted every cell white)."""

import pytest
from e2e.steps import expect, log_in

pytestmark = pytest.mark.e2e

COLOURS = {
    "cell-not_started": "rgb(233, 236, 239)",
    "cell-in_progress": "rgb(255, 243, 205)",
    "cell-testing": "rgb(255, 229, 180)",
    "cell-done": "rgb(207, 226, 255)",
    "cell-verified": "rgb(209, 231, 221)",
}
# What the eye sees: the background, or Bootstrap's inset shadow painted over it.
PAINT = """(cell) => {
  const style = getComputedStyle(cell);
  const shadow = style.boxShadow.match(/rgba?\\([^)]*\\)/);
  return {background: style.backgroundColor, shadow: shadow ? shadow[0] : null,
          outline: style.outlineStyle + " " + style.outlineColor};
}"""


def test_matrix_cells_show_their_status_and_lateness(registry, live_server, new_page, shot):
    page = new_page(locale="zh-CN")
    log_in(page, live_server.url, "province")
    page.goto(f"{live_server.url}/ca/matrix/?region=410000")
    expect(page.locator("td.cell").first).to_be_visible()
    shot(page, "01-matrix")
    seen = set()
    for css, colour in COLOURS.items():
        cells = page.locator(f"td.{css}")
        if cells.count() == 0:
            continue
        paint = cells.first.evaluate(PAINT)
        assert paint["background"] == colour, (css, paint)
        assert paint["shadow"] in (None, colour), (css, paint)  # nothing paints over the colour
        seen.add(css)
    assert len(seen) >= 2, seen  # the demo data has cells of several statuses
    late = page.locator("td.cell-late")
    if late.count():
        assert late.first.evaluate(PAINT)["outline"] == "solid rgb(220, 53, 69)"
