"""The app and the learning package import the model-fitting libraries only when they fit.

scikit-learn, statsmodels and scipy together take over a second to import; every server
process and every test worker imports the app, and most never build a course index or fit a
multilevel model. What is tested is what is imported, in a fresh interpreter running the
same source tree; the time is measured outside the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import attunement

#: The source tree this test imported, so the child process runs the same code.
SOURCE = str(Path(attunement.__file__).resolve().parents[1])

#: Imported by the functions that fit or search, never by importing a module.
MODEL_FITTING = frozenset({"sklearn", "statsmodels", "scipy", "pandas"})


def imported_packages(module: str) -> set[str]:
    """Import MODULE in a new interpreter; the top-level packages it imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [SOURCE, env.get("PYTHONPATH")]))
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in json.loads(run.stdout)}


@pytest.mark.parametrize("module", ["attunement.http.app", "attunement.learning"])
def test_importing_does_not_import_the_model_fitting_libraries(module: str) -> None:
    assert imported_packages(module) & MODEL_FITTING == set()
