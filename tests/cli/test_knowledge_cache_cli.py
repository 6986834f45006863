"""``attune plan`` and ``attune status`` validate the packaged knowledge once (issue 13).

Each command runs in a fresh interpreter the way the ``attune`` console script runs it. The
first start validates the packaged YAML and keeps the result in ``ATTUNE_DATA_DIR/cache``;
the next start builds none of the knowledge models' validators (what made a light command
slow: ``bench/cli_startup.py`` measures it). An edit of a knowledge file, even one that keeps
its size, is seen at once, and a broken file still gets the loader's file, line and field.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import attunement

#: The package under test and the folder that holds it (put on PYTHONPATH).
PACKAGE = Path(attunement.__file__).resolve().parent
SOURCE = PACKAGE.parent

#: Runs ``attune ARGS``; at exit writes which of the knowledge models built a validator.
RUNNER = """
import atexit, importlib, json, runpy, sys
out, watched = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["attune", *sys.argv[3:]]

def built():
    found = []
    for name in watched:
        module, _, cls = name.rpartition(".")
        if module in sys.modules and getattr(sys.modules[module], cls).__pydantic_complete__:
            found.append(name)
    return found

atexit.register(lambda: open(out, "w").write(json.dumps(built())))
runpy.run_module("attunement", run_name="__main__")
"""

#: The models of the packaged knowledge each command reads.
PLAN_KNOWLEDGE = (
    "attunement.evidence._models.EvidenceBase",
    "attunement.evidence._models.Element",
    "attunement.tailoring._rulebook.RuleBook",
    "attunement.tailoring._rulebook.RuleSpec",
    "attunement.tailoring._rulebook.RiskPolicy",
)
STATUS_KNOWLEDGE = (
    "attunement.instruments._models.InstrumentDefinition",
    "attunement.monitoring._feedback_data.AlertLimits",
    "attunement.monitoring._feedback_data.AllianceRules",
    "attunement.monitoring._feedback_data.PromptDefinition",
    "attunement.monitoring._expected_data.ExpectedResponseRules",
)

SYNTHETIC_PROFILE = "# SYNTHETIC patient\nreactance: high\nstage_of_change: preparation\n"
SYNTHETIC_EPISODE = {
    "outcome": {
        "instrument": "phq9",
        "sessions": [{"session": 1, "score": 18}, {"session": 4, "score": 11}],
    }
}


def attune(
    tmp_path: Path, *args: str, watched: tuple[str, ...] = (), source: Path = SOURCE
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``attune ARGS`` from ``source`` with the data folder in ``tmp_path``: the process
    and the watched models that built their validators."""
    out = tmp_path / "built.json"
    out.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env["ATTUNE_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = os.pathsep.join([str(source), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(out), json.dumps(watched), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    built = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    return result, built


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(SYNTHETIC_PROFILE, encoding="utf-8")
    return path


@pytest.fixture
def episode(tmp_path: Path) -> Path:
    path = tmp_path / "episode.json"
    path.write_text(json.dumps(SYNTHETIC_EPISODE), encoding="utf-8")
    return path


def test_a_second_plan_validates_no_packaged_knowledge(tmp_path: Path, profile: Path) -> None:
    first, built_first = attune(tmp_path, "plan", str(profile), watched=PLAN_KNOWLEDGE)
    second, built_second = attune(tmp_path, "plan", str(profile), watched=PLAN_KNOWLEDGE)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert second.stdout == first.stdout
    assert set(built_first) == set(PLAN_KNOWLEDGE)  # the check can fail: a cold start builds
    assert built_second == []


def test_a_second_status_validates_no_packaged_knowledge(tmp_path: Path, episode: Path) -> None:
    args = ("status", str(episode), "--etr", "rational")
    first, built_first = attune(tmp_path, *args, watched=STATUS_KNOWLEDGE)
    second, built_second = attune(tmp_path, *args, watched=STATUS_KNOWLEDGE)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert second.stdout == first.stdout
    assert set(built_first) == set(STATUS_KNOWLEDGE)
    assert built_second == []


def test_the_cache_holds_only_private_files(tmp_path: Path, profile: Path) -> None:
    result, _ = attune(tmp_path, "plan", str(profile))
    assert result.returncode == 0, result.stderr
    cache = tmp_path / "data" / "cache"
    kept = sorted(cache.iterdir())
    assert kept, "nothing was kept"
    assert cache.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in kept} == {0o600}
    assert not [path.name for path in kept if path.name.endswith(".tmp")]


def test_a_cache_folder_that_cannot_be_written_gives_the_same_plan(
    tmp_path: Path, profile: Path
) -> None:
    expected, _ = attune(tmp_path, "plan", str(profile), "--json")
    blocked = tmp_path / "blocked"
    (blocked / "data").mkdir(parents=True)
    (blocked / "data" / "cache").write_text("a file, not a folder", encoding="utf-8")
    result, built = attune(blocked, "plan", str(profile), "--json", watched=PLAN_KNOWLEDGE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected.stdout
    assert set(built) == set(PLAN_KNOWLEDGE)  # validated, as without a cache


# ---------------------------------------------------------- an edited copy of the package
@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the package (without compiled modules) to edit: the folder to import from."""
    root = tmp_path / "source"
    shutil.copytree(PACKAGE, root / "attunement", ignore=shutil.ignore_patterns("__pycache__"))
    return root


ELEMENT = Path("attunement/evidence/data/alliance_adult.yaml")
NAME = "name: Alliance in individual adult psychotherapy\n"


def test_an_edited_knowledge_file_is_seen_on_the_next_start(
    tmp_path: Path, package_copy: Path
) -> None:
    args = ("evidence", "alliance_adult", "--json")
    before, _ = attune(tmp_path, *args, source=package_copy)
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout)["name"] == "Alliance in individual adult psychotherapy"
    element = package_copy / ELEMENT
    text = element.read_text(encoding="utf-8")
    assert NAME in text
    stat = element.stat()
    element.write_text(text.replace(NAME, NAME.replace("adult", "ADULT")), encoding="utf-8")
    os.utime(element, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
    after, _ = attune(tmp_path, *args, source=package_copy)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["name"] == "Alliance in individual ADULT psychotherapy"


def test_a_broken_knowledge_file_gives_the_loaders_error_after_a_warm_start(
    tmp_path: Path, package_copy: Path, profile: Path
) -> None:
    warm, _ = attune(tmp_path, "plan", str(profile), source=package_copy)
    assert warm.returncode == 0, warm.stderr
    element = package_copy / ELEMENT
    lines = element.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, "colour: blue\n")  # an unknown field on line 3
    element.write_text("".join(lines), encoding="utf-8")
    broken, _ = attune(tmp_path, "plan", str(profile), source=package_copy)
    assert broken.returncode == 2
    assert "alliance_adult.yaml:3: colour: unknown field" in broken.stderr
    assert "Traceback" not in broken.stderr
