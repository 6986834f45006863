"""axe-core finds nothing in the clinic report's learning section (issue 15), filled in.

The seeded clinics of the other browser tests have too few ended episodes for therapist
rows or responsiveness associations; here the section carries the hidden-truth SYNTHETIC
clinic's (every therapist shown, the associations estimated), in English and Spanish.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from attunement.documents import ClinicTally, render_clinic_html
from attunement.services.learning import simulated_learning
from tests.http.web.axe import axe_violations

pytestmark = [pytest.mark.browser]


def test_no_wcag_violations_in_the_filled_learning_section(page: Any) -> None:
    learning = simulated_learning(seed=11, n_episodes=300, n_therapists=6).report
    report = (
        ClinicTally()
        .report(instrument="PHQ-9", band_order=[], generated_on=dt.date(2026, 3, 2), synthetic=True)
        .model_copy(update={"learning": learning})
    )
    problems: list[str] = []
    for language in ("en", "es"):
        html = render_clinic_html(report, charts=False, language=language)
        assert 'data-table="learning-therapists"' in html
        assert 'data-table="learning-responsiveness"' in html
        page.set_content(html)
        problems += axe_violations(page, f"clinic report, learning section ({language})")
    assert not problems, "\n".join(problems)
