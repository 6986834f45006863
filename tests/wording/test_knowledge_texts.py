"""The knowledge files' texts reach a person in the page's language (issues 16 and 17).

The core keeps and decides with the English texts; ``attunement.wording`` gives a Status, a
Plan, the end reasons and the risk response vocabulary in a language at the presentation
edge. Spanish is shipped for all of them; a catalogue written here stands in where a test
needs a translation the package does not ship. Synthetic data only.
"""

from __future__ import annotations

from pathlib import Path

from attunement.i18n import Catalogue
from attunement.monitoring import Series, SessionPoint, Status, assess_episode, load_end_reasons
from attunement.risk import load_response_vocabulary
from attunement.wording import (
    end_reasons_in,
    plan_in,
    repair_words,
    response_vocabulary_in,
    status_in,
)
from tests.tailoring.vignettes import plan_for

REPAIR = "Restate the rationale for the task or goal you are working on."
REPAIR_ES = "Vuelva a explicar el fundamento de la tarea o del objetivo en el que están trabajando."


def _series(instrument: str, *values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument=instrument, scale="total", points=points)


def _ruptured() -> Status:
    """A synthetic episode: PHQ-9 not improving, the WAI-SR falling (a rupture)."""
    return assess_episode(
        _series("phq9", 16, 17, 18),
        alliance=_series("wai_sr", 4.5, 4.4, 3.2),
        rupture_markers={3: ["withdrawal"]},
    )


def test_a_status_shows_its_prompts_repairs_and_markers_in_spanish_and_keeps_its_ids() -> None:
    status = _ruptured()
    assert status.alliance is not None
    assert status.support_prompts
    shown = status_in(status, "es")
    assert shown.alliance is not None
    titles = [p.title for p in shown.support_prompts]
    assert "Alianza terapéutica" in titles
    assert REPAIR_ES in [r.text for r in shown.alliance.repair_options]
    assert [m.label for m in shown.alliance.markers] == [
        "retirada (alejarse del terapeuta o del trabajo)"
    ]
    assert [a.message for a in shown.alliance.alerts if a.kind == "marker"] == [
        "el clínico registró un marcador de retirada: "
        "retirada (alejarse del terapeuta o del trabajo)"
    ]
    drop = next(a for a in shown.alliance.alerts if a.kind == "drop")
    assert drop.message.startswith("WAI-SR bajó 1,20 desde la medición anterior")
    assert [p.domain for p in shown.support_prompts] == [p.domain for p in status.support_prompts]
    assert shown.alert == status.alert  # nothing re-decided


def test_an_english_page_gets_the_status_as_the_core_made_it() -> None:
    status = _ruptured()
    assert status_in(status, "en") is status
    assert status.alliance is not None
    assert REPAIR in [r.text for r in status.alliance.repair_options]


def test_end_reasons_and_risk_words_are_in_spanish_with_their_keys() -> None:
    reasons = end_reasons_in(load_end_reasons(), "es")
    assert reasons.label("planned_end") == "Final planificado"
    assert reasons.reasons["other"].note_required
    words = response_vocabulary_in(load_response_vocabulary(), "es")
    assert words.level_label("immediate") == "Peligro inmediato"
    assert words.caveat_source == load_response_vocabulary().caveat_source  # a citation stays


def _fragment(folder: Path, entries: dict[str, str]) -> Catalogue:
    target = folder / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    body = "".join(f'msgid "{msgid}"\nmsgstr "{msgstr}"\n\n' for msgid, msgstr in entries.items())
    (target / "attunement.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n' + body,
        encoding="utf-8",
    )
    return Catalogue(folder)


def test_a_rules_advice_and_its_evidence_show_once_their_translation_exists(
    tmp_path: Path,
) -> None:
    plan = plan_for({"reactance": "high"})
    advice = next(r for r in plan.recommendations if r.rule == "reactance_high")
    name = advice.evidence[0].element_name
    catalogue = _fragment(
        tmp_path,
        {
            advice.summary: "Considere dirigir poco: ofrezca opciones, no instrucciones.",
            name: "Nivel de reactancia",
        },
    )
    shown = plan_in(plan, "es", catalogue)
    translated = next(r for r in shown.recommendations if r.rule == "reactance_high")
    assert translated.summary == "Considere dirigir poco: ofrezca opciones, no instrucciones."
    assert translated.evidence[0].element_name == "Nivel de reactancia"
    assert translated.detail == advice.detail  # no translation yet: English, never blank
    assert translated.evidence[0].value == advice.evidence[0].value


def test_a_rule_text_with_a_patient_value_is_translated_through_its_template_value_and_all(
    tmp_path: Path,
) -> None:
    plan = plan_for({"culture": {"preferred_language": "es"}})
    offer = next(r for r in plan.recommendations if "language" in r.rule)
    template = "Offer the patient's preferred language ({culture.preferred_language})"
    assert offer.summary.startswith("Offer the patient's preferred language (Spanish)")
    rest = offer.summary.removeprefix("Offer the patient's preferred language (Spanish)")
    catalogue = _fragment(
        tmp_path,
        {template + rest: "Ofrezca la lengua del paciente ({culture.preferred_language})"},
    )
    shown = next(r for r in plan_in(plan, "es", catalogue).recommendations if "language" in r.rule)
    assert shown.summary == "Ofrezca la lengua del paciente (español)"  # the value too


def test_a_plans_conflicts_prompts_assumptions_and_disclaimer_are_in_spanish() -> None:
    plan = plan_for(
        {
            "reactance": "low",
            "stage_of_change": "action",
            "attachment": {"anxiety": 5.5, "avoidance": 2.0},
        }
    )
    shown = plan_in(plan, "es")
    conflict = next(c for c in shown.conflicts if c.id == "directiveness_reactance_over_stage")
    assert conflict.resolution.startswith("Mantenga la postura que pide el estadio")
    assert conflict.reason.startswith("Ajustar la directividad a la reactancia")
    assert shown.disclaimer.startswith("Estas son opciones para el juicio clínico")
    assessed = {n.field: n for n in shown.not_assessed}
    assert assessed["coping_style"].question.startswith("«Cuando las cosas van mal")
    assert assessed["coping_style"].why.startswith("El método (foco en síntomas")
    statements = [a.statement for a in shown.assumptions]
    assert any(
        s.startswith("La ansiedad (o la evitación) de apego se considera") for s in statements
    )
    assert [a.source for a in shown.assumptions] == [a.source for a in plan.assumptions]
    notes = [d.note for d in shown.settings if d.basis == "default"]
    assert any(n.startswith("El malestar no está evaluado") for n in notes)


def test_the_evidence_a_plan_cites_says_why_and_what_in_spanish_with_its_figures() -> None:
    plan = plan_for({"attachment": {"anxiety": 5.5, "avoidance": 2.0}})
    cited = [e for r in plan_in(plan, "es").recommendations for e in r.evidence]
    english = [e for r in plan.recommendations for e in r.evidence]
    assert "Más ansiedad de apego, peor resultado." in [e.why for e in cited]
    assert "ansiedad de apego (antes del tratamiento)" in [e.scope for e in cited]
    assert "14 estudios (19 cohortes)" in [e.k_text for e in cited]
    assert [(e.value, e.k, e.n, e.source) for e in cited] == [
        (e.value, e.k, e.n, e.source) for e in english
    ]


def test_an_english_plan_is_the_plan_the_core_made() -> None:
    plan = plan_for({"reactance": "low", "stage_of_change": "action"})
    assert plan_in(plan, "en") is plan
    assert plan.disclaimer.startswith("These are options for clinical judgement")


def test_a_repair_option_names_its_kind_in_the_readers_language() -> None:
    assert repair_words("immediate", REPAIR) == f"Immediate: {REPAIR}"
    assert repair_words("exploratory", REPAIR_ES, "es") == f"Exploratoria: {REPAIR_ES}"


def test_an_alert_stored_before_it_kept_its_template_stays_as_it_was() -> None:
    status = _ruptured()
    assert status.alliance is not None
    old = status.alliance.model_copy(
        update={
            "alerts": tuple(
                a.model_copy(update={"template": None, "values": {}})
                for a in status.alliance.alerts
            )
        }
    )
    shown = status_in(status.model_copy(update={"alliance": old}), "es")
    assert shown.alliance is not None
    assert [a.message for a in shown.alliance.alerts] == [a.message for a in old.alerts]


def test_what_a_plan_holds_back_while_a_risk_event_is_open_is_said_in_spanish() -> None:
    """PHQ-9 total 5 with item 9 answered 2 (synthetic): the low-distress rule is held back."""
    plan = plan_for({"distress": {"instrument": "phq9", "answers": [1, 1, 1, 0, 0, 0, 0, 0, 2]}})
    held = next(c for c in plan.conflicts if c.id == "risk:distress_low")
    assert held.resolution.startswith("Suppressed while a risk event is open: Consider raising")
    assert held.reason.startswith("It suggests raising emotional arousal")
    shown = next(c for c in plan_in(plan, "es").conflicts if c.id == "risk:distress_low")
    assert shown.resolution.startswith(
        "En suspenso mientras haya un evento de riesgo abierto: Considere aumentar la activación"
    )
    assert shown.reason.startswith("Propone aumentar la activación emocional")
    assert "Hay un evento de riesgo abierto, así que la seguridad es lo primero." in shown.reason


def test_the_alert_reason_and_the_facts_a_status_gives_are_in_spanish_with_their_figures() -> None:
    status = _ruptured()
    shown = status_in(status, "es")
    assert shown.alert_reason.startswith(
        "18 es peor que el rango esperado (límite 14,3) y la tendencia de las 3 puntuaciones"
    )
    alliance = next(p for p in shown.support_prompts if p.domain == "alliance")
    assert alliance.because == (
        "ruptura de la alianza: WAI-SR bajó 1,20 desde la medición anterior; el límite de "
        "caída es 0,5",
        "ruptura de la alianza: el clínico registró un marcador de retirada: "
        "retirada (alejarse del terapeuta o del trabajo)",
    )
    assert [d.facts for d in shown.dropout_risks] == [("ruptura de la alianza en la sesión 3",)]
    assert shown.alert_reason_worded == status.alert_reason_worded  # the stored parts as made


def test_a_red_reason_keeps_its_percent_sign_in_both_languages() -> None:
    status = assess_episode(_series("phq9", 8, 20))  # beyond the at-once red threshold
    assert status.alert == "red"
    assert status.alert_reason.endswith("(6.93) at the 1% level")
    assert status_in(status, "es").alert_reason == (
        "peor en 12 desde la evaluación inicial: más allá de 9,11, el umbral rojo de deterioro "
        "fiable (6,93) al nivel del 1%"
    )
    deterioration = next(p for p in status.support_prompts if "deterioration" in p.signals)
    assert deterioration.because == (status.alert_reason,)


def test_a_status_stored_before_its_sentences_kept_their_templates_reads_as_stored() -> None:
    """An older row: the JSON has no ``alert_reason_worded``, ``because_worded`` or
    ``facts_worded``; it validates and shows its English sentences unchanged."""
    status = _ruptured()
    stored = status.model_dump(mode="json")
    del stored["alert_reason_worded"]
    for prompt in stored["support_prompts"]:
        del prompt["because_worded"]
    for risk in stored["dropout_risks"]:
        del risk["facts_worded"]
    old = Status.model_validate(stored)
    shown = status_in(old, "es")
    assert shown.alert_reason == status.alert_reason
    assert [p.because for p in shown.support_prompts] == [p.because for p in status.support_prompts]
    assert [d.facts for d in shown.dropout_risks] == [d.facts for d in status.dropout_risks]
    assert "Alianza terapéutica" in [p.title for p in shown.support_prompts]  # the rest worded
