"""The patient page says which limits the alliance was judged by, in the clinic's language
(issue 16): with fewer than 50 episodes with a first WAI-SR, the stated assumptions, saying
so. Synthetic patients."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from attunement.http import create_app
from attunement.services import AdministrationCreate, ServiceContext, record_administration
from attunement.settings import Settings
from attunement.store import make_engine
from tests.http.web.pages import sign_in
from tests.services.world import START, World, build_world, fast_passwords


def _wai_falls(ctx: ServiceContext, world: World) -> None:
    """Alma's WAI-SR falls from 55/12 = 4.58 to 46/12 = 3.83 between two weekly sessions."""
    for week, wai in enumerate(([5] * 7 + [4] * 5, [4] * 10 + [3] * 2)):
        when = START + dt.timedelta(weeks=week, days=1)
        for instrument, answers in (("phq9", [2] * 9), ("wai_sr", wai)):
            record_administration(
                ctx,
                world.ana,
                world.episode_a,
                AdministrationCreate(instrument=instrument, answers=answers, administered_at=when),
            )


def _limits(page: str) -> str:
    start = page.index('id="alliance-limits"')
    return html.unescape(page[page.index(">", start) + 1 : page.index("</p>", start)])


def test_the_patient_page_says_the_alliance_limits_are_stated_assumptions_and_why(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _wai_falls(ctx, world)
    sign_in(client, "ana")
    limits = _limits(client.get(f"/patients/{world.patient_a}").text)
    assert limits == (
        "Judged by stated assumptions until this clinic has 50 episodes with a first alliance "
        "score (then by its own spread of scores with the questionnaire's published "
        "reliability): a fall of 0.5 or more is a possible rupture; a fall of 0.33 or more "
        "puts the alliance at risk."
    )


@pytest.fixture
def spanish_clinic(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World]]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key=SecretStr("web-test-secret-0123456789abcdef"),
        mode="dev",
        clinic_language="es",
    )
    engine = make_engine(database_url)
    app = create_app(settings, engine=engine, passwords=fast_passwords(), secure_cookies=False)
    world = build_world(app.state.context)
    _wai_falls(app.state.context, world)
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            yield client, world
    finally:
        engine.dispose()


def test_a_spanish_clinic_reads_the_alliance_limits_in_spanish(
    spanish_clinic: tuple[TestClient, World],
) -> None:
    client, world = spanish_clinic
    sign_in(client, "ana")
    limits = _limits(client.get(f"/patients/{world.patient_a}").text)
    assert limits.startswith("Valorada con supuestos declarados hasta que esta clínica tenga 50")
    assert "una caída de 0,5 o más es una posible ruptura" in limits  # a decimal comma
    assert "una caída de 0,33 o más pone la alianza en riesgo" in limits
