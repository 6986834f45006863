"""Risk through the command line: episode files, ``attune score`` and profiles (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from attunement.cli import app

runner = CliRunner()

CALM = [2, 2, 2, 2, 2, 2, 2, 2, 0]
ITEM9 = [2, 2, 2, 2, 2, 2, 2, 2, 3]


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))


def status_of(tmp_path: Path, episode: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "episode.yaml"
    path.write_text(yaml.safe_dump(episode), encoding="utf-8")
    result = runner.invoke(app, ["status", str(path), "--json", "--etr", "rational"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def episode(*sessions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"outcome": {"instrument": "phq9", "sessions": list(sessions)}, **extra}


def test_item9_at_session_2_is_still_open_after_a_calm_session_3(tmp_path: Path) -> None:
    data = status_of(
        tmp_path,
        episode(
            {"session": 1, "answers": CALM},
            {"session": 2, "answers": ITEM9},
            {"session": 3, "answers": CALM},
        ),
    )
    assert data["flags"] == []
    (event,) = data["risk_events"]
    assert event["open"] is True
    assert [e["session"] for e in event["endorsements"]] == [2]


def test_a_later_session_given_as_a_score_only_does_not_drop_the_risk(tmp_path: Path) -> None:
    data = status_of(
        tmp_path, episode({"session": 1, "answers": ITEM9}, {"session": 2, "score": 12})
    )
    assert [e["open"] for e in data["risk_events"]] == [True]


def test_a_recorded_response_answers_the_event(tmp_path: Path) -> None:
    response = {
        "session": 2,
        "assessed_on": "2026-03-09",
        "level": "low",
        "actions": ["safety_plan"],
    }
    data = status_of(
        tmp_path,
        episode(
            {"session": 1, "answers": CALM},
            {"session": 2, "answers": ITEM9},
            {"session": 3, "answers": CALM},
            risk_responses=[response],
        ),
    )
    (event,) = data["risk_events"]
    assert event["open"] is False
    assert event["response"]["level"] == "low"


def test_an_intake_questionnaire_in_the_profile_opens_a_risk_event(tmp_path: Path) -> None:
    data = status_of(
        tmp_path,
        episode(
            {"session": 1, "answers": CALM},
            profile={"distress": {"instrument": "phq9", "answers": ITEM9}},
        ),
    )
    (event,) = data["risk_events"]
    assert event["endorsements"][0]["route"] == "intake"


def test_the_text_status_leads_with_the_open_risk_event(tmp_path: Path) -> None:
    path = tmp_path / "episode.yaml"
    path.write_text(
        yaml.safe_dump(episode({"session": 1, "answers": ITEM9}, {"session": 2, "answers": CALM})),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["status", str(path), "--etr", "rational"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("RISK — Open risk event: PHQ-9 item 9 endorsed (answer 3)")


@pytest.mark.parametrize(
    ("response", "field"),
    [
        (
            {"session": 2, "assessed_on": "2026-03-09", "level": "dire", "actions": ["referral"]},
            "level",
        ),
        (
            {"session": 2, "assessed_on": "2026-03-09", "level": "low", "actions": ["no_action"]},
            "reason",
        ),
        ({"session": 2, "level": "low", "actions": ["referral"]}, "assessed_on"),
        (
            {"session": 0, "assessed_on": "2026-03-09", "level": "low", "actions": ["referral"]},
            "session",
        ),
        (
            {"session": 2, "assessed_on": "2026-03-09", "level": "low", "actions": "referral"},
            "actions",
        ),
    ],
)
def test_a_bad_risk_response_in_the_file_exits_2_naming_it(
    tmp_path: Path, response: dict[str, Any], field: str
) -> None:
    path = tmp_path / "episode.yaml"
    path.write_text(
        yaml.safe_dump(episode({"session": 1, "answers": ITEM9}, risk_responses=[response])),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["status", str(path)])
    assert result.exit_code == 2
    assert f"risk_responses[0].{field}" in result.output


def test_attune_score_names_an_endorsed_item9_beside_the_bad_item_1() -> None:
    result = runner.invoke(app, ["score", "phq9", "--answers", "4,0,1,0,0,0,0,0,3"])
    assert result.exit_code == 2
    assert "phq9_1" in result.output
    assert "Item 9" in result.output
    assert "answer given: 3" in result.output


def test_an_episode_file_with_a_bad_answer_still_names_item9(tmp_path: Path) -> None:
    path = tmp_path / "episode.yaml"
    path.write_text(
        yaml.safe_dump(episode({"session": 1, "answers": [4, 0, 1, 0, 0, 0, 0, 0, 3]})),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["status", str(path)])
    assert result.exit_code == 2
    assert "Item 9" in result.output


def test_a_profile_with_a_bad_answer_still_names_item9(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(
        yaml.safe_dump(
            {"distress": {"instrument": "phq9", "answers": [4, 0, 1, 0, 0, 0, 0, 0, 3]}}
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["plan", str(path)])
    assert result.exit_code == 2
    assert "Item 9" in result.output
