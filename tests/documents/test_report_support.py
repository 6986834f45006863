"""The patient report's support section (issue 16): the targeted prompts in the status's
order, and a rupture's repair options as separate items, never run together."""

from __future__ import annotations

import datetime as dt
import re

from attunement.documents import render_patient_html
from attunement.documents._patient import build_patient_report
from attunement.instruments import load_instrument
from attunement.monitoring import Series, SessionPoint, assess_episode

PHQ9 = load_instrument("phq9")


def _series(instrument: str, *values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument=instrument, scale="total", points=points)


def test_repair_options_are_a_list_and_the_prompts_follow_the_status_order() -> None:
    outcome = _series("phq9", *([18.0] * 12))
    alliance = _series("wai_sr", *([4.0] * 11), 2.8)  # below the threshold: a rupture
    status = assess_episode(outcome, alliance=alliance)
    assert status.alliance is not None
    assert status.alliance.state == "rupture"
    report = build_patient_report(
        patient_name="Synthetic Noa",
        patient_key="N-1",
        clinician="Dr A",
        preferred_language="en",
        synthetic=True,
        episode_started=dt.date(2026, 1, 5),
        sessions_held=12,
        outcome_definition=PHQ9,
        outcome_series=outcome,
        status=status,
        generated_on=dt.date(2026, 4, 1),
    )
    html = render_patient_html(report)
    repairs = html[html.index('class="small repair-options"') :]
    items = re.findall(r"<li>(.*?)</li>", repairs[: repairs.index("</ul>")])
    assert len(items) == len(status.alliance.repair_options) >= 2
    assert all(item.count("Immediate:") + item.count("Exploratory:") == 1 for item in items)
    assert "; immediate:" not in html.lower()
    domains = [p.domain for p in status.support_prompts]
    assert domains[0] == "alliance"  # the one thing off comes first
