"""axe-core (Deque Systems, MPL-2.0) run in the page by Playwright, for the accessibility tests.

The script ships with the tests only (``tests/support/axe/axe.min.js``, see VENDORED.md
there), never with the app. It is run with ``page.evaluate`` of its source: a DevTools
evaluation, not a ``<script>`` the page loads, so the app's Content-Security-Policy stays
as strict as in production (no ``bypass_csp``) and still guards the page's own scripts.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "support" / "axe" / "axe.min.js"
#: WCAG 2.1 level A and AA: what the issue asks of every page.
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
    v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' +
      (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200)).join(' | '));
}"""


@cache
def _source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Any, where: str = "") -> list[str]:
    """The WCAG 2.1 AA violations axe-core finds on the page as it is now (empty: none)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_source()}\n}}")
    found: list[str] = page.evaluate(_RUN, list(WCAG_21_AA))
    return [f"{where or page.url}: {v}" for v in found]


__all__ = ["AXE_SCRIPT", "WCAG_21_AA", "axe_violations"]
