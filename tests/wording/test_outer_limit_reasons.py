"""Issue 16: the outer limit's basis on the latest expected band ends with the data file's
reasons for its figures (``outcome_alerts.yaml``: each a ``shown_assumption``, clinical text
of the catalogue). A Spanish clinic reads them in Spanish after "supuesto:", an English one
reads "assumption: …" exactly as the core stored it, and a band stored before (its reasons
kept as plain knowledge values) still reads as stored. Synthetic data.
"""

from __future__ import annotations

from typing import Any

import pytest

from attunement.monitoring import Series, SessionPoint, Status, assess_episode
from attunement.monitoring._feedback_data import ShownFigure, load_alert_limits
from attunement.wording import status_in


def _status() -> Status:
    values = (20, 22, 26)
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return assess_episode(Series(instrument="phq9", scale="total", points=points))


def _shown(figure: ShownFigure) -> str:
    assert figure.shown_assumption is not None
    return figure.shown_assumption


def _outer_basis(status: Status) -> str:
    assert status.expected is not None
    return status.expected.outer_basis


def test_the_rational_outer_limits_reasons_read_in_spanish() -> None:
    shown = _outer_basis(status_in(_status(), "es"))
    limit, reason, margin_reason = shown.split("; supuesto: ")
    assert limit.startswith("esperado + 3 x S_diff 3,06")
    assert reason.startswith(
        "El límite exterior está este número de errores típicos de la diferencia peor que la "
        "puntuación esperada"
    )
    assert margin_reason.startswith(
        "Ambos métodos: el límite exterior nunca está a menos de este número de errores "
        "típicos de la diferencia peor que la evaluación inicial (PHQ-9: 4,6 puntos)"
    )
    limits = load_alert_limits()
    for figure in (limits.rational.outer_in_sdiff, limits.worse_than_intake_in_sdiff):
        assert _shown(figure)[:40] not in shown
    assert "assumption" not in shown


def test_the_rational_outer_limits_reasons_stay_the_english_the_core_stored() -> None:
    status = _status()
    limits = load_alert_limits()
    assert status_in(status, "en") is status
    assert _outer_basis(status) == (
        "expected + 3 x S_diff 3.06, and at least 1.5 x S_diff worse than the intake; "
        f"assumption: {_shown(limits.rational.outer_in_sdiff)}; "
        f"assumption: {_shown(limits.worse_than_intake_in_sdiff)}"
    )


def test_a_band_stored_with_its_reasons_as_knowledge_values_reads_as_stored() -> None:
    """Before issue 16 the reasons were kept as values of the same template."""
    status = _status()
    stored: dict[str, Any] = status.model_dump(mode="json")
    outer = stored["expected"]["outer_basis_worded"]
    reasons = ("reason", "margin_reason")
    outer["values"] = {name: outer["parts"].pop(name)["text"] for name in reasons}
    outer["knowledge"] = ["reason", "margin_reason"]
    shown = _outer_basis(status_in(Status.model_validate(stored), "es"))
    assert shown.startswith("esperado + 3 x S_diff 3,06, y al menos 1,5 x S_diff peor que la ")
    assert shown.endswith(_outer_basis(status).split("; ", 1)[1])  # the reasons as stored


@pytest.mark.parametrize("field", ["source", "shown_assumption"])
def test_a_shown_figure_has_its_source_or_shown_assumption(field: str) -> None:
    assert getattr(ShownFigure.model_validate({"value": 1.0, field: "why"}), field) == "why"
