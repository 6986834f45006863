"""The research export holds every course prediction made at the time (issue 15).

One row per stored prediction — a corrected intake adds a row, the first one stays — with
the same keyed pseudonyms and per-patient date shift as the other rows, and a data
dictionary entry for each column. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Engine

from attunement.exports import COURSE_COLUMNS, Pseudonymizer
from attunement.services import (
    AdministrationCorrection,
    AdministrationCreate,
    correct_administration,
    record_administration,
)
from attunement.services.reports import (
    research_course_prediction_rows,
    write_research_export,
)
from tests.services.course_clinic import alike_ended_episodes, phq9_total
from tests.services.world import OPERATOR, START, build_world, make_context

SECRET = "a-test-secret-that-is-long-enough"


def test_each_prediction_is_one_row_kept_after_a_corrected_intake_and_de_identified(
    engine: Engine, tmp_path: Path
) -> None:
    ctx = make_context(engine)
    world = build_world(ctx)
    alike_ended_episodes(
        ctx, world.ben, count=25, dropouts=5, start=START.date() - dt.timedelta(weeks=20)
    )
    intake = record_administration(
        ctx,
        world.ben,
        world.episode_b,
        AdministrationCreate(instrument="phq9", answers=phq9_total(16), session_number=1),
    )
    correct_administration(
        ctx,
        world.ben,
        intake.id,
        AdministrationCorrection(answers=phq9_total(18), reason="wrong sheet entered"),
    )

    rows = [r for r in research_course_prediction_rows(ctx, OPERATOR) if r.episode_id == "2"]
    assert [(r.intake, r.method, r.neighbours) for r in rows] == [
        (16, "neighbours", 25),
        (18, "neighbours", 25),
    ]
    first = rows[0]
    assert (first.patient_id, first.clinician_id) == (str(world.patient_b), str(world.ben.user_id))
    assert first.made_on == START.date()
    assert first.made_at_intake
    assert first.dropout_probability == 0.2
    assert (first.neighbours_recovered, first.neighbours_dropped_out) == (20, 5)
    points = json.loads(first.points)
    assert points[0][:2] == [1, 16]
    assert points[1][4] == "neighbours"

    clean = [
        r
        for r in research_course_prediction_rows(ctx, OPERATOR, deidentify_with=SECRET)
        if r.intake in (16, 18) and r.neighbours == 25
    ]
    pseudonyms = Pseudonymizer(SECRET)
    shift = dt.timedelta(days=pseudonyms.shift_days(str(world.patient_b)))
    assert {r.patient_id for r in clean} == {pseudonyms.pseudonym("patient", str(world.patient_b))}
    assert {r.episode_id for r in clean} == {pseudonyms.pseudonym("episode", "2")}
    assert all(r.made_on == START.date() + shift for r in clean)
    assert len({r.prediction_id for r in clean}) == 2

    files = write_research_export(ctx, OPERATOR, fmt="csv", out_dir=tmp_path)
    course_file = files.tables[-1]
    assert course_file.name == "attunement_course_predictions.csv"
    with course_file.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert (
        len(written) == files.table_rows[-1] == len(research_course_prediction_rows(ctx, OPERATOR))
    )
    assert list(written[0]) == [c.name for c in COURSE_COLUMNS]
    dictionary = files.dictionary.read_text(encoding="utf-8")
    assert "# file,attunement_course_predictions.csv" in dictionary
    section = dictionary[dictionary.index("# file,attunement_course_predictions.csv") :]
    for column in COURSE_COLUMNS:
        assert f"\n{column.name},{column.type}," in section
