"""The clinic report's "What this clinic's data say" (issue 15): the learning report itself.

The section is the one computation of ``attune learn report`` (no second copy of the maths),
read inside the clinic report's use case (one audit entry), with therapist rows cut to those
the reader may see; when the data are too few it says so with the minimums of
``learning.yaml``. Rendering is checked on the hidden-truth SYNTHETIC clinic, where every
therapist has enough episodes and the responsiveness associations are estimated.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from attunement.documents import ClinicReport, render_clinic_html, render_pdf
from attunement.learning import LearningReport, learning_settings
from attunement.services import ServiceContext, service_context
from attunement.services.learning import learning_report, simulated_learning
from attunement.services.reports import clinic_report
from attunement.store import AuditEntry, Episode, User
from attunement.wording import (
    element_name,
    format_interval,
    format_number,
    format_signed,
    relation_words,
)
from tests.documents.conftest import (
    NOW,
    OPERATOR,
    SECRET,
    clinician_of,
    html_stats,
    patient_ids,
    pdf_pages_text,
)
from tests.documents.test_no_internal_ids import identifiers, visible


@pytest.fixture(scope="module")
def simulated() -> LearningReport:
    """The learning report on the hidden-truth SYNTHETIC clinic (every therapist shown),
    its therapists named as the clinic report names them (display names, not usernames)."""
    report = simulated_learning(seed=11, n_episodes=300, n_therapists=6).report
    feedback = report.therapists
    assert feedback is not None
    rows = tuple(
        t.model_copy(update={"therapist": f"Synthetic Therapist {n}"})
        for n, t in enumerate(feedback.therapists, start=1)
    )
    return report.model_copy(
        update={"therapists": feedback.model_copy(update={"therapists": rows})}
    )


def _with_learning(ctx: ServiceContext, learning: LearningReport) -> ClinicReport:
    return clinic_report(ctx, OPERATOR).model_copy(update={"learning": learning})


def test_the_section_is_the_learning_report_of_the_same_clinic(clinic: ServiceContext) -> None:
    report = clinic_report(clinic, OPERATOR)
    alone = learning_report(clinic, OPERATOR)
    assert report.learning is not None
    assert report.learning.episodes == alone.episodes
    assert report.learning.responsiveness == alone.responsiveness
    assert report.learning.therapists is not None
    assert alone.therapists is not None
    assert report.learning.therapists.clinic_pre_post_d == alone.therapists.clinic_pre_post_d
    assert report.learning.therapists.benchmarks == alone.therapists.benchmarks
    stats = html_stats(render_clinic_html(report, charts=False))
    d = alone.therapists.clinic_pre_post_d
    assert stats["learning_d"] == format_number(d.value, 2)
    assert stats["learning_d_ci"] == format_interval(d.low, d.high)
    assert stats["learning_n"] == str(alone.therapists.episodes)


def test_the_clinic_report_with_its_learning_is_one_audit_entry(clinic: ServiceContext) -> None:
    report = clinic_report(clinic, OPERATOR)
    with clinic.sessions() as session:
        actions = list(
            session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.action.in_(["report.clinic", "learning.report"])
                )
            )
        )
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "report.clinic")
        ).one()
        ended = set(
            session.scalars(select(Episode.patient_id).where(Episode.ended_on.is_not(None)))
        )
    assert actions == ["report.clinic"]  # the learning read is in the report's entry
    assert report.learning is not None
    assert entry.detail["learning_episodes"] == report.learning.episodes
    assert ended <= set(entry.detail["patients"])


def test_a_clinician_sees_only_their_own_therapist_row(clinic: ServiceContext) -> None:
    clinician = clinician_of(clinic, patient_ids(clinic)[0])
    report = clinic_report(clinic, clinician)
    assert report.learning is not None
    assert report.learning.therapists is not None
    with clinic.sessions() as session:
        own = session.get_one(User, clinician.user_id).display_name
    assert {t.therapist for t in report.learning.therapists.therapists} <= {own}
    assert report.learning.therapists_counted > 1  # the aggregate still counts everyone


def test_too_little_data_is_said_plainly_with_the_minimums(engine: Engine) -> None:
    ctx = service_context(engine, signing_key=SECRET, clock=lambda: NOW)
    report = clinic_report(ctx, OPERATOR)
    assert report.learning is not None
    assert report.learning.therapists is None
    stats = html_stats(render_clinic_html(report, charts=False))
    settings = learning_settings()
    assert "Too little data to say yet." in stats["learning_too_little"]
    assert str(settings.count("minimum_therapist_episodes")) in stats["learning_too_little"]
    assert str(settings.count("minimum_dimension_episodes")) in stats["learning_no_dimension"]


def test_too_little_data_says_why_and_what_is_not_recorded_in_the_clinics_language(
    engine: Engine,
) -> None:
    ctx = service_context(engine, signing_key=SECRET, clock=lambda: NOW)
    report = clinic_report(ctx, OPERATOR)
    assert report.learning is not None
    assert report.learning.therapists_unavailable is not None
    english = render_clinic_html(report, charts=False)
    spanish = render_clinic_html(report, charts=False, language="es")
    assert "Therapist feedback not available: 0 ended episodes with a later score" in english
    assert "not recorded for any ended episode: sex, age band, whether the plan" in english
    assert "Retroalimentación a terapeutas no disponible: 0 episodios finalizados" in spanish
    assert "no registrado en ningún episodio finalizado: sexo, franja de edad, si se" in spanish
    assert "not available" not in spanish
    assert "not recorded" not in spanish


def test_the_spanish_section_words_relations_dimensions_and_model_in_spanish(
    sqlite_clinic: ServiceContext, simulated: LearningReport
) -> None:
    html = render_clinic_html(_with_learning(sqlite_clinic, simulated), charts=False, language="es")
    feedback = simulated.therapists
    assert feedback is not None
    for b in feedback.benchmarks:  # the one wording of a relation, not a template's copy
        assert f"<td>{relation_words(b.relation, 'es')}</td>" in html
    for d in simulated.responsiveness.dimensions:
        assert f"<td>{element_name(d.dimension, 'es')}</td>" in html
    assert "cambio ~ puntuación inicial (centrada)" in html
    assert "change ~ intake" not in html


def test_visible_therapist_rows_and_associations_are_rendered_unranked(
    sqlite_clinic: ServiceContext, simulated: LearningReport
) -> None:
    html = render_clinic_html(_with_learning(sqlite_clinic, simulated), charts=False)
    feedback = simulated.therapists
    assert feedback is not None
    positions = [html.index(f"<td>{t.therapist}</td>") for t in feedback.therapists]
    assert positions == sorted(positions)  # listed by name, in the core's order
    for t in feedback.therapists:
        assert t.change is not None
        assert format_signed(t.change.value) in html
    for d in simulated.responsiveness.dimensions:
        assert d.estimated
        assert d.final_score is not None
        assert format_interval(d.final_score.low, d.final_score.high, 1) in html
    assert simulated.responsiveness.caveat.split(":")[0] in html


def test_rows_the_reader_may_not_see_leave_only_the_aggregate(
    sqlite_clinic: ServiceContext, simulated: LearningReport
) -> None:
    feedback = simulated.therapists
    assert feedback is not None
    unnamed = simulated.model_copy(
        update={"therapists": feedback.model_copy(update={"therapists": ()})}
    )
    html = render_clinic_html(_with_learning(sqlite_clinic, unnamed), charts=False)
    assert not any(f"<td>{t.therapist}</td>" in html for t in feedback.therapists)
    stats = html_stats(html)
    assert stats["learning_therapists"].startswith(f"{simulated.therapists_counted} therapists")


def test_the_printed_report_carries_the_section_in_spanish_too(
    sqlite_clinic: ServiceContext, simulated: LearningReport, tmp_path: Path
) -> None:
    report = _with_learning(sqlite_clinic, simulated)
    english, spanish = tmp_path / "en.pdf", tmp_path / "es.pdf"
    english.write_bytes(render_pdf(render_clinic_html(report, charts=False)))
    spanish.write_bytes(render_pdf(render_clinic_html(report, charts=False, language="es")))
    text = " ".join(" ".join(pdf_pages_text(english)).split())
    assert "What this clinic's data say" in text
    assert "Does responsiveness work here?" in text
    assert "Observational" in text
    texto = " ".join(" ".join(pdf_pages_text(spanish)).split())
    assert "Lo que dicen los datos de este centro" in texto
    assert "Observacional" in texto


def test_the_filled_section_shows_no_internal_identifier(
    sqlite_clinic: ServiceContext, simulated: LearningReport
) -> None:
    for language in ("en", "es"):
        html = render_clinic_html(
            _with_learning(sqlite_clinic, simulated), charts=False, language=language
        )
        section = html[html.index('data-section="learning"') : html.index('data-section="method"')]
        assert identifiers(visible(f"<section {section}")) == [], language
