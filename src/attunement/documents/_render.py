"""Render a report model to HTML (Jinja2) and the same HTML to PDF (WeasyPrint).

The HTML is self-contained (CSS inline, charts as inline SVG), so the downloaded file
opens anywhere and the PDF is exactly that page under the print stylesheet. Every
synthetic report carries the SYNTHETIC label in its header, its footer and, in print, the
top and bottom margin of every page.

WeasyPrint needs Pango (Debian: ``libpango-1.0-0``, ``libpangoft2-1.0-0``) and a font
(``fonts-dejavu-core``); ``.ci/run`` installs them.
"""

from __future__ import annotations

import base64
import html as html_text
import json
import re
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from attunement.documents._chart_data import OutcomeDistributionData, RecoveryBySeverityData
from attunement.documents._chart_style import CATEGORY_LABELS
from attunement.documents._charts import Chart, render_chart
from attunement.documents._models import ClinicReport, PatientReport
from attunement.i18n import SOURCE_LANGUAGE, knowledge_text
from attunement.i18n.jinja import install_i18n, template_functions
from attunement.wording import (
    alert_label,
    alliance_words,
    category_words,
    effect_size_formula_words,
    element_name,
    feedback_model_words,
    format_interval,
    format_number,
    format_share,
    format_signed,
    language_name,
    learning_report_notes,
    method_words,
    relation_words,
    value_words,
    yes_no_words,
)

__all__ = ["render_clinic_html", "render_patient_html", "render_pdf"]


def _css_string(value: str) -> Markup:
    """A CSS string literal for a ``<style>`` block (JSON's escaping is valid CSS here).

    ``<`` is escaped so the value can never close the ``<style>`` element.
    """
    return Markup(json.dumps(value, ensure_ascii=False).replace("<", "\\3C "))  # noqa: S704


def _in_language(words: Any) -> Any:
    """A filter that words its value in the render's ``report_language`` (English when the
    context has none): one environment serves every language."""

    @pass_context
    def worded(context: Context, value: Any) -> Any:
        return words(value, str(context.get("report_language", SOURCE_LANGUAGE)))

    return worded


def _in_numbers(formatter: Any) -> Any:
    """A number filter that writes with the render's ``report_language`` decimal separator
    (``14,5`` in Spanish; English when the context has none)."""

    @pass_context
    def written(context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
        language = str(context.get("report_language", SOURCE_LANGUAGE))
        return formatter(value, *args, language=language, **kwargs)

    return written


def _css_counters(text: str) -> Markup:
    """A CSS ``content`` value from a translated "page {page} of {pages}": the words as CSS
    strings around the page counters, in the translation's own order."""
    parts = re.split(r"(\{page\}|\{pages\})", str(text))
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    values = [counters.get(part) or _css_string(part) for part in parts if part]
    return Markup(" ".join(values))  # noqa: S704 - CSS strings escaped by _css_string


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("attunement.documents", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        num=_in_numbers(format_number),
        signed=_in_numbers(format_signed),
        pct=_in_numbers(format_share),
        ci=_in_numbers(format_interval),
        words=value_words,
        alert_label=_in_language(alert_label),
        alliance=_in_language(alliance_words),
        category=_in_language(category_words),
        method=_in_language(method_words),
        yes_no=_in_language(yes_no_words),
        knowledge=_in_language(knowledge_text),
        css_string=_css_string,
        css_counters=_css_counters,
        language=_in_language(language_name),
        element=_in_language(element_name),
        formula=_in_language(effect_size_formula_words),
    )
    install_i18n(env)
    env.globals["category_labels"] = CATEGORY_LABELS
    return env


def _render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def render_patient_html(
    report: PatientReport, *, patient_page: bool = True, language: str = "en"
) -> str:
    """The patient progress report; ``patient_page`` adds the plain-language page (in the
    patient's language); the clinician's pages are in ``language`` (the clinic's)."""
    charts: dict[str, Chart] = {}
    if report.outcome_chart is not None:
        charts["outcome"] = render_chart(
            report.outcome_chart, language=language, chart_id="outcome"
        )
    if report.alliance_chart is not None:
        charts["alliance"] = render_chart(
            report.alliance_chart, language=language, chart_id="alliance"
        )
    if report.item_chart is not None:
        charts["items"] = render_chart(report.item_chart, language=language, chart_id="items")
    page = report.patient_page if patient_page else None
    if page is not None and page.outcome_chart is not None:
        charts["patient_outcome"] = render_chart(
            page.outcome_chart, language=page.language, chart_id="patient-outcome"
        )
    page_html = None
    if page is not None:  # the patient's page, in the patient's language
        page_html = Markup(  # noqa: S704 - rendered by the autoescaping environment
            _render(
                "_patient_page.html.j2",
                page=page,
                header=report.header,
                charts=charts,
                report_language=page.language,
                **template_functions(page.language),
            )
        )
    return _render(
        "patient.html.j2",
        report=report,
        header=report.header,
        page=page,
        page_html=page_html,
        charts=charts,
        report_language=language,
        **template_functions(language),
    )


def render_clinic_html(report: ClinicReport, *, charts: bool = True, language: str = "en") -> str:
    """The clinic report in ``language`` (the clinic's); ``charts=False`` leaves them out
    (the benchmark's baseline)."""
    rendered: dict[str, Chart] = {}
    if charts:
        rendered["distribution"] = render_chart(
            OutcomeDistributionData(counts=report.categories),
            language=language,
            chart_id="distribution",
        )
        if report.severity:
            rendered["severity"] = render_chart(
                RecoveryBySeverityData(instrument=report.instrument, groups=report.severity),
                language=language,
                chart_id="severity",
            )
    return _render(
        "clinic.html.j2",
        report=report,
        header=report.header,
        charts=rendered,
        report_language=language,
        relation_words=relation_words,
        learning_notes=learning_report_notes,
        feedback_model=feedback_model_words,
        element_name=element_name,
        **template_functions(language),
    )


#: A chart as the builder writes it inline (``Chart.__html__``: one root ``<svg>``, no nesting).
_INLINE_CHART = re.compile(r'<svg\b[^>]*\bclass="chart"[^>]*>.*?</svg>', re.DOTALL)


def _chart_as_figure(match: re.Match[str]) -> str:
    """The same SVG as an image with its title and description as ``alt``: WeasyPrint
    tags an ``<img>`` as a Figure with that /Alt text (PDF/UA needs it); an inline SVG
    would be left untagged."""
    svg = match.group(0)
    root = ET.fromstring(svg)  # noqa: S314  (our own chart, built by the chart builder)
    ns = "{http://www.w3.org/2000/svg}"
    words = ["".join(root.findtext(f"{ns}{tag}") or "").strip() for tag in ("title", "desc")]
    alt = html_text.escape(": ".join(w for w in words if w), quote=True)
    data = base64.b64encode(svg.encode()).decode("ascii")
    return f'<img class="chart" src="data:image/svg+xml;base64,{data}" alt="{alt}">'


def render_pdf(html: str) -> bytes:
    """The PDF of a report's HTML (WeasyPrint, print stylesheet), tagged as PDF/UA-1.

    PDF/UA-1 (ISO 14289-1) gives the PDF a structure tree (headings, paragraphs, tables, in
    reading order) and the document language from ``<html lang>``, so a screen reader can
    read it; the title comes from ``<title>``; each chart is a Figure whose /Alt is the
    chart's title and its numbers in words.
    """
    # start-up: weasyprint is loaded only when this runs (tests/cli/test_light_startup.py)
    from weasyprint import HTML  # type: ignore[import-untyped]  # late: Pango loads slowly

    tagged = _INLINE_CHART.sub(_chart_as_figure, html)
    pdf: bytes = HTML(string=tagged).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
