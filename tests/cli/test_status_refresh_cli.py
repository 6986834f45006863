"""``attune status --refresh``: every stored status recomputed in the clinic database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update
from tests.services.world import build_world, make_context
from typer.testing import CliRunner

from attunement.cli import app
from attunement.services import AdministrationCreate, record_administration
from attunement.store import EpisodeStatusRecord, make_engine, migrate

runner = CliRunner()


def test_refresh_recomputes_a_stale_stored_status(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    ctx = make_context(engine)
    world = build_world(ctx)
    record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=[2, 2, 2, 2, 2, 2, 2, 2, 0]),
    )
    with ctx.sessions() as session, session.begin():
        session.execute(update(EpisodeStatusRecord).values(latest=None, alert="white"))
    env = {"ATTUNE_MODE": "dev", "ATTUNE_DATA_DIR": str(tmp_path)}
    result = runner.invoke(app, ["status", "--refresh", "--db", url], env=env)
    assert result.exit_code == 0, result.output
    assert "recomputed for 2 patient(s)" in result.output
    with ctx.sessions() as session:
        row = session.scalars(
            select(EpisodeStatusRecord).where(EpisodeStatusRecord.episode_id == world.episode_a)
        ).one()
    assert row.latest == 16
    assert row.alert != "white"
    engine.dispose()


def test_refresh_alone_or_not_at_all(tmp_path: Path) -> None:
    episode = tmp_path / "episode.yaml"
    episode.write_text("outcome: {instrument: phq9, sessions: []}\n", encoding="utf-8")
    result = runner.invoke(app, ["status", str(episode), "--refresh"])
    assert result.exit_code == 2
    assert "--refresh" in result.output
