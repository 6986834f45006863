"""Clinical text names profile fields, alert levels and alliance states in words (issue 17).

Every patient of the seeded synthetic clinic: the printed progress report (visible text of
the HTML the PDF is made from), the web page's status view and the record summary must not
show an internal id such as ``stage_of_change``, ``not_assessable`` or ``at_risk``; each
comes from the one wording module.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from attunement.documents import render_patient_html
from attunement.documents._summary import session_summary_text
from attunement.http.web._status_view import status_view
from attunement.monitoring import ALERT_LEVELS
from attunement.profile import DIMENSIONS, PROFILE_FIELDS
from attunement.services import ServiceContext, get_status
from attunement.services.reports import patient_report
from tests.documents.conftest import clinician_of, patient_ids
from tests.documents.test_one_chart_series import _latest_episode

#: Ids that must never reach a reader: snake_case profile fields, alert levels, states.
IDS = sorted(
    {
        part
        for path in (*DIMENSIONS, *PROFILE_FIELDS, *ALERT_LEVELS, "at_risk")
        for part in path.split(".")
        if "_" in part
    }
)
ID = re.compile(r"\b(" + "|".join(map(re.escape, IDS)) + r")\b")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in {"style", "script", "svg"}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"style", "script", "svg"}

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def test_no_internal_id_reaches_the_report_the_page_or_the_summary(
    sqlite_clinic: ServiceContext,
) -> None:
    ctx = sqlite_clinic
    for patient_id in patient_ids(ctx):
        actor = clinician_of(ctx, patient_id)
        report = patient_report(ctx, actor, patient_id)
        status = get_status(ctx, actor, _latest_episode(ctx, patient_id))
        view = status_view(status)
        texts = [_visible(render_patient_html(report)), session_summary_text(status, None)]
        texts += [str(view.figures), str(view.facts), str(view.alliance_state)]
        for text in texts:
            assert not ID.search(text or ""), (patient_id, ID.findall(text or ""))
