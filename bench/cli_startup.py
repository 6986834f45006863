"""Start-up of ``attune --help`` and the light commands: wall time and peak memory.

Each command runs as its own process (``python -m attunement ...``, what the ``attune``
console script runs, without a shell wrapper in between), ``--repeats`` times (10), the
commands taking turns so that a change in the machine's load touches each alike; the
median wall time, the median CPU time (user + system: what the process itself costs, far
steadier than wall time on a shared machine) and the peak resident memory of the median
run are printed next to two baselines measured in the same run: ``python -c pass`` (the
interpreter alone) and ``python -c "import typer"`` (the least any Typer CLI costs).

The figures are of a warm start, as a user gets every time but the first: the package is
byte-compiled first (as an installed package is; under ``PYTHONDONTWRITEBYTECODE`` a
checkout would otherwise be compiled on every start) and one unmeasured round fills the
knowledge cache (``attunement._knowledge_cache``). The first start of ``plan`` and
``status``, which validates the packaged knowledge and writes the cache, is printed apart.
Target (issue 13): ``attune --help`` and the light commands start in < 0.3 s. The commands
read small SYNTHETIC files (a profile and an episode) in a temporary data directory; no
database is created.

Which modules each command may import is a test (tests/cli/test_light_startup.py); this
script only measures.

Run: ``python bench/cli_startup.py`` (optionally ``--repeats N``; ``hyperfine`` was not
on the machine, so the loop is the script's own).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attunement  # the package the commands run (PYTHONPATH), compiled as installed

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


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one process running ``argv``."""
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
    cpu = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss / 1024, cpu  # Linux reports KiB


def medians(
    repeats: int, argvs: list[list[str]], env: dict[str, str]
) -> list[tuple[float, float, float]]:
    """For each of ``argvs``: the median wall time of ``repeats`` runs, the peak RSS of the
    median run and the median CPU time. The commands take turns, one run each per round."""
    runs: list[list[tuple[float, float, float]]] = [[] for _ in argvs]
    for _ in range(repeats):
        for index, argv in enumerate(argvs):
            runs[index].append(run_once(argv, env))
    found = []
    for measured in runs:
        wall = statistics.median(run[0] for run in measured)
        rss = min(measured, key=lambda run: abs(run[0] - wall))[1]
        found.append((wall, rss, statistics.median(run[2] for run in measured)))
    return found


def first_starts(
    repeats: int, argv: list[str], env: dict[str, str], cache: Path
) -> tuple[float, float]:
    """Median wall and CPU seconds of ``argv`` started with an empty knowledge cache."""
    walls, cpus = [], []
    for _ in range(repeats):
        shutil.rmtree(cache, ignore_errors=True)
        wall, _, cpu = run_once(argv, env)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
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
        baselines = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("python -c 'import typer'", [sys.executable, "-c", "import typer"]),
        ]
        argvs = [argv for _, argv in baselines] + [attune + extra for _, extra in commands]
        compileall.compile_dir(Path(attunement.__file__).parent, quiet=1)
        medians(1, argvs[2:], env)  # warm-up: fills the knowledge cache
        figures = medians(args.repeats, argvs, env)
        (bare, _, _), (typer_wall, typer_rss, typer_cpu) = figures[:2]
        print(f"median of {args.repeats} runs each; target < {TARGET_SECONDS} s")
        for (label, _), (wall, rss, cpu) in zip(baselines, figures, strict=False):
            print(f"baseline {label:<25} {wall:.3f} s (CPU {cpu:.3f} s), {rss:.0f} MiB")
        print(
            f"\n{'attune ...':<32} {'wall s':>7} {'x pass':>7} {'x typer':>8} "
            f"{'CPU s':>7} {'x typer':>8} {'RSS MiB':>8} {'x typer':>8}"
        )
        for (label, _), (wall, rss, cpu) in zip(commands, figures[2:], strict=True):
            mark = "" if wall < TARGET_SECONDS else "  (over target)"
            print(
                f"{label:<32} {wall:>7.3f} {wall / bare:>7.1f} {wall / typer_wall:>8.1f} "
                f"{cpu:>7.3f} {cpu / typer_cpu:>8.1f} {rss:>8.0f} {rss / typer_rss:>8.1f}{mark}"
            )
        print("\nfirst start (validates the packaged knowledge, writes the cache):")
        cache = Path(folder) / "data" / "cache"
        for label, extra in commands:
            if extra[0] in ("plan", "status"):
                wall, cpu = first_starts(args.repeats, attune + extra, env, cache)
                ratio = cpu / typer_cpu
                print(f"{label:<32} {wall:>7.3f} s (CPU {cpu:.3f} s, x typer {ratio:.1f})")


if __name__ == "__main__":
    main()
