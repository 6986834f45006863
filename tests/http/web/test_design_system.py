"""The design system's rules that hold for every page: CSP-safe, vendored, labelled, contrasted."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from attunement.documents import OutcomeChartData, OutcomePoint, render_chart
from attunement.http.web._display import status_words
from attunement.http.web._templates import static_files
from attunement.monitoring import ALERT_MEANINGS

WEB = Path(str(resources.files("attunement.http.web")))
TEMPLATES = sorted((WEB / "templates").rglob("*.html"))
CSS = (WEB / "static" / "app.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_carry_no_inline_script_style_or_event_handler(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"<style\b", text), "inline <style>"
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "hx-on" not in text, "htmx inline handler (needs eval)"
    assert "http://" not in text, "external resource"
    assert "https://" not in text, "external resource"


def test_htmx_is_vendored_with_its_licence_and_version_recorded() -> None:
    body = static_files()["htmx.min.js"].body.decode("utf-8")
    header = body.splitlines()[0]
    version = re.search(r"htmx\.org (\d+\.\d+\.\d+)", header)
    assert version, header
    assert "0BSD" in header
    vendored = (WEB / "static" / "VENDORED.md").read_text(encoding="utf-8")
    assert f"| {version.group(1)} |" in vendored
    assert "Zero-Clause BSD" in vendored


@pytest.mark.parametrize("alert", ["red", "yellow", "green", "white", None])
def test_every_status_has_words_and_an_icon_not_colour_alone(alert: str | None) -> None:
    words = status_words(alert)
    assert words.label
    assert words.meaning
    assert f'id="i-{words.icon}"' in (WEB / "static" / "icons.svg").read_text(encoding="utf-8")
    assert f".status-{words.css}" in CSS


@pytest.mark.parametrize("alert", ["red", "yellow", "not_assessable", "green", "white"])
def test_the_words_of_each_level_are_monitoring_s_meaning(alert: str) -> None:
    # one place says what a level means (issue 11): the web shows monitoring's words
    assert status_words(alert).meaning == ALERT_MEANINGS[alert]  # type: ignore[index]


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _var(name: str) -> str:
    found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("text", "surface"),
        ("text", "canvas"),
        ("muted", "surface"),
        ("muted", "canvas"),
        ("muted", "surface-2"),
        ("accent", "surface"),
        ("accent", "accent-soft"),
        ("accent-strong", "accent-soft"),
        ("white-fg", "white-bg"),
        ("green-fg", "green-bg"),
        ("yellow-fg", "yellow-bg"),
        ("red-fg", "red-bg"),
        ("risk-fg", "risk-bg"),
    ],
)
def test_text_colours_meet_wcag_aa_contrast(text: str, background: str) -> None:
    """WCAG 2.1 SC 1.4.3: at least 4.5:1 for normal text."""
    assert _contrast(_var(text), _var(background)) >= 4.5


def test_white_on_the_accent_button_meets_wcag_aa() -> None:
    assert _contrast("#ffffff", _var("accent")) >= 4.5


@pytest.mark.parametrize("line", ["white-line", "green-line", "yellow-line", "red-line", "focus"])
def test_borders_and_focus_ring_meet_the_non_text_contrast_minimum(line: str) -> None:
    """WCAG 2.1 SC 1.4.11: at least 3:1 against the page for UI component boundaries."""
    assert _contrast(_var(line), _var("surface")) >= 3
    assert _contrast(_var(line), _var("canvas")) >= 3


def test_focus_is_always_visible() -> None:
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*3px solid", CSS)


def test_chart_svg_fits_the_csp_without_inline_styles() -> None:
    data = OutcomeChartData(
        instrument="PHQ-9",
        points=(OutcomePoint(session=1, value=18), OutcomePoint(session=2, value=12)),
        cutoff=10,
        scale_min=0,
        scale_max=27,
    )
    svg = render_chart(data, chart_id="t").svg
    assert "style=" not in svg  # the CSP (style-src 'self') would refuse it
    assert "<style" not in svg
    assert 'role="img"' in svg
    assert 'aria-labelledby="t-title t-desc"' in svg
