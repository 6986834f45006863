"""Helpers for the browser tests: the live server record, screenshots, signing in, checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from attunement.services import ServiceContext
from tests.services.world import PASSWORD, World

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

#: Browser tests run on SQLite only (the storage tests cover PostgreSQL).
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@dataclass
class LiveServer:
    """The running app: its base URL, its service context and the seeded clinic."""

    base_url: str
    context: ServiceContext
    engine: Engine
    world: World

    def url(self, path: str) -> str:
        return self.base_url + path


@dataclass
class PageWatch:
    """Problems a page reported: CSP violations, console errors, uncaught exceptions."""

    problems: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, text: str) -> None:
        """Expect console errors containing ``text`` (e.g. "status of 401" after a bad login)."""
        self.allowed.append(text)

    def console(self, message: Any) -> None:
        csp = "Content Security Policy" in message.text
        expected = any(allowed in message.text for allowed in self.allowed)
        if csp or (message.type == "error" and not expected):
            self.problems.append(f"console {message.type}: {message.text}")

    def page_error(self, error: Any) -> None:
        self.problems.append(f"uncaught: {error}")

    def attach(self, page: Any) -> None:
        page.on("console", self.console)
        page.on("pageerror", self.page_error)


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artefact and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, by its labels, as a person would."""
    page.goto(server.url("/login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


#: Run in the page: every form control has an accessible label, one h1, <html lang>.
ACCESSIBILITY_PROBE = """() => {
  const problems = [];
  const lang = document.documentElement.getAttribute('lang');
  if (!lang) problems.push('html has no lang attribute');
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`expected one h1, found ${h1}`);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const byFor = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    const wrapped = el.closest('label');
    const aria = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!byFor && !wrapped && !aria) problems.push(`no label: ${el.outerHTML.slice(0, 120)}`);
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`img without alt: ${img.outerHTML.slice(0, 120)}`);
  }
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dup.length) problems.push(`duplicate ids: ${[...new Set(dup)].join(', ')}`);
  if (!document.querySelector('a.skip-link[href="#main"]')) problems.push('no skip link');
  if (!document.querySelector('main#main')) problems.push('no main landmark');
  return problems;
}"""


def accessibility_problems(page: Any) -> list[str]:
    """What the accessibility smoke check finds on the current page (empty: none)."""
    found: list[str] = page.evaluate(ACCESSIBILITY_PROBE)
    return found


__all__ = [
    "ACCESSIBILITY_PROBE",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DESKTOP",
    "PASSWORD",
    "PHONE",
    "SCREENSHOTS",
    "SQLITE_ONLY",
    "LiveServer",
    "PageWatch",
    "accessibility_problems",
    "screenshot",
    "sign_in",
]
