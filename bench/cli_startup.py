"""Start-up of ``attune --help`` and the light commands: wall time and peak memory.

Each command runs as its own process (``python -m attunement ...``, what the ``attune``
console script runs, without a shell wrapper in between), ``--repeats`` times; the best
wall time and the peak resident memory of that process are printed next to the baseline
measured in the same run: ``python -c "import typer"``, the least any Typer CLI costs.
Target (issue 13): ``attune --help`` and the light commands start in < 0.3 s. The commands
read small SYNTHETIC files (a profile and an episode) in a temporary data directory; no
database is created.

Which modules each command may import is a test (tests/cli/test_light_startup.py); this
script only measures.

Run: ``python bench/cli_startup.py`` (optionally ``--repeats N``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.3
_SYNTHETIC = "# SYNTHETIC: a made-up patient for the start-up benchmark\n"


def _files(folder: Path) -> tuple[Path, Path]:
    profile = folder / "profile.yaml"
    profile.write_text(
        _SYNTHETIC + "reactance: high\nstage_of_change: preparation\n", encoding="utf-8"
    )
    episode = folder / "episode.json"
    sessions = [{"session": 1, "score": 18}, {"session": 4, "score": 11}]
    episode.write_text(
        json.dumps({"outcome": {"instrument": "phq9", "sessions": sessions}}), encoding="utf-8"
    )
    return profile, episode


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process running ``argv``."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")
            raise SystemExit(f"{' '.join(argv[1:])} exited {process.returncode}: {message}")
    return wall, usage.ru_maxrss / 1024  # Linux reports KiB


def best_of(repeats: int, argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The fastest wall time of ``repeats`` runs and the peak RSS of that run's process."""
    runs = [run_once(argv, env) for _ in range(repeats)]
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="attune-startup-") as folder:
        profile, episode = _files(Path(folder))
        env = {**os.environ, "ATTUNE_DATA_DIR": str(Path(folder) / "data")}
        attune = [sys.executable, "-m", "attunement"]
        commands: list[tuple[str, list[str]]] = [
            ("--help", ["--help"]),
            ("users create --help", ["users", "create", "--help"]),
            ("evidence", ["evidence"]),
            ("evidence alliance_adult --json", ["evidence", "alliance_adult", "--json"]),
            ("instruments list", ["instruments", "list"]),
            ("instruments show phq9", ["instruments", "show", "phq9"]),
            ("score phq9 --answers ...", ["score", "phq9", "--answers", "1,2,3,1,2,3,1,2,0"]),
            ("plan PROFILE", ["plan", str(profile)]),
            ("status EPISODE --etr rational", ["status", str(episode), "--etr", "rational"]),
            ("audit new-key", ["audit", "new-key"]),
        ]
        base_wall, base_rss = best_of(args.repeats, [sys.executable, "-c", "import typer"], env)
        print(
            f"best of {args.repeats} runs; baseline python -c 'import typer': "
            f"{base_wall:.3f} s, {base_rss:.0f} MiB; target < {TARGET_SECONDS} s\n"
        )
        print(f"{'attune ...':<34} {'wall s':>7} {'x typer':>8} {'RSS MiB':>8} {'x typer':>8}")
        for label, extra in commands:
            wall, rss = best_of(args.repeats, attune + extra, env)
            mark = "" if wall < TARGET_SECONDS else "  (over target)"
            print(
                f"{label:<34} {wall:>7.3f} {wall / base_wall:>8.1f} {rss:>8.0f} "
                f"{rss / base_rss:>8.1f}{mark}"
            )


if __name__ == "__main__":
    main()
