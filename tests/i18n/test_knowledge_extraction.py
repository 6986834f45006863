"""The knowledge files' person-facing texts are catalogue messages, as the loaders read them.

One extractor (``attunement.i18n.extract``) reads every family of knowledge files through a
table of the fields a person reads. These tests hold it to that table: a sample of each family
gives exactly its person-facing fields (never a source, an assumption or an id), and every text
the packaged loaders load and the pages show is a message id — folded YAML included.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from attunement.evidence import load_evidence
from attunement.i18n.extract import (
    KNOWLEDGE_TEXTS,
    KnowledgeTexts,
    extract_knowledge_texts,
    texts_of,
)
from attunement.instruments import INSTRUMENT_IDS, load_instrument
from attunement.monitoring import load_end_reasons
from attunement.monitoring._feedback_data import (
    load_alliance_rules,
    load_dropout_rules,
    load_support_prompts,
)
from attunement.risk import load_response_vocabulary
from attunement.tailoring import load_rulebook

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "attunement"

#: Fields for maintainers: never extracted, whatever the family.
NOT_FOR_TRANSLATION = {"source", "assumption", "basis", "note", "id", "evidence", "signals"}


def _extract(relative: str, text: str) -> list[tuple[int, str, list[str]]]:
    fileobj = io.BytesIO(text.encode("utf-8"))
    fileobj.name = str(PACKAGE / relative)
    return [
        (line, message, comments)
        for line, _func, message, comments in extract_knowledge_texts(fileobj, (), (), {})
    ]


def _packaged() -> set[str]:
    found: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.yaml")):
        with path.open("rb") as fileobj:
            found.update(m for _l, _f, m, _c in extract_knowledge_texts(fileobj, (), (), {}))
    return found


def test_a_support_prompt_gives_its_title_prompt_questions_and_reasons_with_line_and_field() -> (
    None
):
    sample = (
        "domain: motivation\n"
        "title: Motivation\n"
        "prompt: >-\n"
        "  Check the patient's readiness\n"
        "  for change.\n"
        "questions:\n"
        "  - What do you expect?\n"
        "evidence: [stages_of_change]\n"
        "source: Lambert 2003, J Couns Psychol 50:59\n"
        "profile_updates:\n"
        "  - field: stage_of_change\n"
        "    instruments: [urica]\n"
        "    reason: The stage sets the stance.\n"
    )
    assert _extract("monitoring/support_prompts/x.yaml", sample) == [
        (2, "Motivation", ["support prompt: title"]),
        (3, "Check the patient's readiness for change.", ["support prompt: prompt"]),
        (7, "What do you expect?", ["support prompt: questions[]"]),
        (13, "The stage sets the stance.", ["support prompt: profile_updates[].reason"]),
    ]


def test_alliance_rules_give_marker_labels_and_repair_texts_but_no_figure_or_source() -> None:
    sample = (
        "instruments:\n"
        "  wai_sr:\n"
        "    threshold: {value: 3.0, assumption: No published cut-off.}\n"
        "markers:\n"
        "  hostility: {kind: confrontation, label: hostility (open anger)}\n"
        "markers_source: Safran & Muran 2000\n"
        "repairs:\n"
        "  - {kind: immediate, text: Clarify the misunderstanding directly.}\n"
        "repairs_source: Eubanks, Muran & Safran 2018\n"
    )
    assert [m for _line, m, _c in _extract("monitoring/feedback_rules/alliance.yaml", sample)] == [
        "hostility (open anger)",
        "Clarify the misunderstanding directly.",
    ]


def test_band_labels_are_one_entry_of_the_table() -> None:
    sample = (
        "scales:\n"
        "  - id: total\n"
        "    bands:\n"
        "      source: Kroenke 2001\n"
        "      levels:\n"
        "        - {from: 0, label: minimal}\n"
        "        - {from: 5, label: mild}\n"
        "items:\n"
        "  - {id: q1, label: not a band}\n"
    )
    assert _extract("instruments/definitions/x.yaml", sample) == [
        (6, "minimal", ["instrument band: scales[].bands.levels[].label"]),
        (7, "mild", ["instrument band: scales[].bands.levels[].label"]),
    ]


def test_a_yaml_file_of_no_family_gives_nothing() -> None:
    assert texts_of(str(PACKAGE / "profile" / "vocabulary.yaml")) is None
    assert _extract("profile/vocabulary.yaml", "title: Not listed\n") == []


@pytest.mark.parametrize("entry", KNOWLEDGE_TEXTS, ids=lambda e: e.family)
def test_no_family_lists_a_field_for_maintainers(entry: KnowledgeTexts) -> None:
    # the text's own field (an assumption's statement is shown; its source is not)
    names = {field.split(".")[-1].strip("[]*") for field in entry.fields}
    assert not names & NOT_FOR_TRANSLATION


@pytest.mark.parametrize("entry", KNOWLEDGE_TEXTS, ids=lambda e: e.family)
def test_every_family_matches_packaged_files_and_gives_texts(entry: KnowledgeTexts) -> None:
    files = sorted(Path(PACKAGE.parent).glob(entry.files))
    assert files
    assert any(
        _extract(str(path.relative_to(PACKAGE)), path.read_text(encoding="utf-8")) for path in files
    )


def _for_maintainers(node: object, key: str = "") -> set[str]:
    """Every text under a source, assumption, basis or note field of a parsed file."""
    if isinstance(node, dict):
        return {t for k, v in node.items() for t in _for_maintainers(v, str(k))}
    if isinstance(node, list):
        return {t for v in node for t in _for_maintainers(v, key)}
    if isinstance(node, str) and (key in NOT_FOR_TRANSLATION or key.endswith("_source")):
        return {node}
    return set()


def test_no_source_or_assumption_of_any_knowledge_file_is_a_message() -> None:
    messages = _packaged()
    for path in sorted(PACKAGE.rglob("*.yaml")):
        if texts_of(str(path)) is None:
            continue
        maintainers = _for_maintainers(yaml.safe_load(path.read_text(encoding="utf-8")))
        # long texts only: a short id (an evidence element's) may equal a shown word
        assert not {m for m in maintainers if len(m) > 40} & messages, path.name


def test_every_text_the_loaders_give_a_person_is_a_message_id() -> None:
    """Folded and block scalars included: the message id is the string the loader holds."""
    messages = _packaged()
    prompts = load_support_prompts()
    alliance = load_alliance_rules()
    risk = load_response_vocabulary()
    shown = {
        *(p.title for p in prompts),
        *(p.prompt for p in prompts),
        *(q for p in prompts for q in p.questions),
        *(u.reason for p in prompts for u in p.profile_updates),
        *(m.label for m in alliance.markers.values()),
        *(r.text for r in alliance.repairs),
        *(i.title for i in load_dropout_rules().indicators.values()),
        *(i.message for i in load_dropout_rules().indicators.values()),
        *(r.label for r in load_end_reasons().reasons.values()),
        *(r.definition for r in load_end_reasons().reasons.values()),
        risk.caveat,
        *(t.label for group in (risk.levels, risk.actions, risk.kinds) for t in group.values()),
        *(
            text
            for rule in load_rulebook().rules
            for text in (
                rule.spec.summary,
                rule.spec.detail,
                *rule.spec.do,
                *rule.spec.avoid,
                *rule.spec.behaviours,
            )
        ),
        *(
            text
            for safety in load_rulebook().risk.safety.values()
            for text in (safety.summary, safety.detail, *safety.do, *safety.avoid)
        ),
        *(v.verdict for e in load_evidence().elements for v in e.verdicts),
        *(e.name for e in load_evidence().elements),
        *(e.definition for e in load_evidence().elements),
        *(r for e in load_evidence().elements for r in e.recommendations),
        *(
            band.label
            for instrument in INSTRUMENT_IDS
            for scale in load_instrument(instrument).scales
            if scale.bands
            for band in scale.bands.levels
        ),
    }
    assert shown - messages == set()


def test_an_outcome_alert_limit_gives_its_shown_assumptions_and_never_a_maintainers_one() -> None:
    """Issue 16: the field's name says a clinician reads it (the outer limit's basis)."""
    sample = (
        "empirical:\n"
        "  outer_level:\n"
        "    value: 0.95\n"
        "    shown_assumption: The outer limit is the band's worse edge.\n"
        "red_confirmation:\n"
        "  at_once_z: {value: 2.576, assumption: A note for maintainers only.}\n"
        "worse_than_intake_in_sdiff: {value: 1.5, shown_assumption: Both methods.}\n"
    )
    assert _extract("monitoring/feedback_rules/outcome_alerts.yaml", sample) == [
        (
            4,
            "The outer limit is the band's worse edge.",
            ["outcome alert limit: empirical.outer_level.shown_assumption"],
        ),
        (7, "Both methods.", ["outcome alert limit: worse_than_intake_in_sdiff.shown_assumption"]),
    ]
