"""The validated packaged knowledge is kept between starts, never stale, never unsafe (issue 13).

:func:`attunement._knowledge_cache.packaged` is what every cached loader calls; these tests
drive it with a counting loader. tests/cli/test_knowledge_cache_cli.py runs the real
commands against an edited copy of the package.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Generic, TypeVar

import pytest

import attunement
from attunement._knowledge_cache import install_knowledge_cache, package_fingerprint, packaged

PACKAGE = Path(attunement.__file__).resolve().parent


T = TypeVar("T")


class CountingLoader(Generic[T]):
    """A loader of knowledge that counts how often it had to validate."""

    def __init__(self, value: T) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> T:
        self.calls += 1
        return self.value


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A cache folder installed for the test, uninstalled after it."""
    cache = tmp_path / "cache"
    install_knowledge_cache(cache)
    yield cache
    install_knowledge_cache(None)


def test_without_a_cache_folder_every_call_runs_the_loader() -> None:
    load = CountingLoader(("phq9",))
    assert packaged("ids", tuple, load) == ("phq9",)
    assert packaged("ids", tuple, load) == ("phq9",)
    assert load.calls == 2


def test_a_kept_value_is_served_on_the_next_start_without_validating(folder: Path) -> None:
    first, second = CountingLoader(("phq9", "gad7")), CountingLoader(("never",))
    assert packaged("ids", tuple, first) == ("phq9", "gad7")
    assert packaged("ids", tuple, second) == ("phq9", "gad7")
    assert (first.calls, second.calls) == (1, 0)


def test_a_real_packaged_model_comes_back_equal(folder: Path) -> None:
    from attunement.evidence import EvidenceBase, load_evidence_from

    data = PACKAGE / "evidence" / "data"
    fresh = packaged("evidence-test", EvidenceBase, lambda: load_evidence_from(data))
    kept = packaged("evidence-test", EvidenceBase, CountingLoader(None))  # type: ignore[arg-type]
    assert kept == fresh
    assert kept.element("alliance_adult").findings == fresh.element("alliance_adult").findings


def test_the_kept_file_is_private_to_its_user(folder: Path) -> None:
    packaged("ids", tuple, CountingLoader(("phq9",)))
    assert (folder / "ids.pickle").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o606])
def test_a_file_others_could_read_or_write_is_not_trusted(folder: Path, mode: int) -> None:
    packaged("ids", tuple, CountingLoader(("phq9",)))
    (folder / "ids.pickle").chmod(mode)
    load = CountingLoader(("phq9",))
    assert packaged("ids", tuple, load) == ("phq9",)
    assert load.calls == 1
    assert (folder / "ids.pickle").stat().st_mode & 0o777 == 0o600  # replaced by a private one


@pytest.mark.parametrize(
    "content",
    [b"", b"not a pickle at all", b"\x80\x05garbage", None],
    ids=["empty", "text", "broken pickle", "cut short"],
)
def test_a_damaged_file_is_validated_afresh_and_replaced(
    folder: Path, content: bytes | None
) -> None:
    packaged("ids", tuple, CountingLoader(("phq9",)))
    kept = folder / "ids.pickle"
    whole = kept.read_bytes()
    kept.write_bytes(whole[: len(whole) - 5] if content is None else content)
    load = CountingLoader(("phq9",))
    assert packaged("ids", tuple, load) == ("phq9",)
    assert load.calls == 1
    assert kept.read_bytes() == whole


def test_a_kept_value_of_another_kind_is_not_served(folder: Path) -> None:
    packaged("ids", tuple, CountingLoader(("phq9",)))
    load = CountingLoader(["phq9"])
    assert packaged("ids", list, load) == ["phq9"]
    assert load.calls == 1


def test_a_folder_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    install_knowledge_cache(blocked)
    try:
        load = CountingLoader(("phq9",))
        assert packaged("ids", tuple, load) == ("phq9",)
        assert packaged("ids", tuple, load) == ("phq9",)
    finally:
        install_knowledge_cache(None)
    assert load.calls == 2
    assert blocked.read_text(encoding="utf-8").startswith("a file")


def test_a_value_that_cannot_be_pickled_is_simply_not_kept(folder: Path) -> None:
    load = CountingLoader(lambda: None)
    assert callable(packaged("function", object, load))
    assert not (folder / "function.pickle").exists()


# ------------------------------------------------------------------ the package's fingerprint
def fingerprint(root: Path) -> str:
    """The fingerprint as a new start computes it (not this process's memo)."""
    return package_fingerprint.__wrapped__(root)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A small package: one knowledge file, one module."""
    root = tmp_path / "pkg"
    (root / "rules").mkdir(parents=True)
    (root / "rules" / "risk.yaml").write_text("label: Risk first\n", encoding="utf-8")
    (root / "_engine.py").write_text("X = 1\n", encoding="utf-8")
    return root


def test_an_edit_of_a_knowledge_file_changes_the_fingerprint_even_at_the_same_size_and_time(
    package: Path,
) -> None:
    knowledge = package / "rules" / "risk.yaml"
    before = fingerprint(package)
    stat = knowledge.stat()
    knowledge.write_text("label: Risk FIRST\n", encoding="utf-8")
    os.utime(knowledge, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert knowledge.stat().st_size == stat.st_size
    assert fingerprint(package) != before


def test_a_new_or_removed_knowledge_file_changes_the_fingerprint(package: Path) -> None:
    before = fingerprint(package)
    extra = package / "rules" / "extra.yaml"
    extra.write_text("label: x\n", encoding="utf-8")
    assert fingerprint(package) != before
    extra.unlink()
    assert fingerprint(package) == before


def test_a_changed_module_changes_the_fingerprint(package: Path) -> None:
    before = fingerprint(package)
    module = package / "_engine.py"
    module.write_text("X = 2\n", encoding="utf-8")
    os.utime(module, ns=(0, module.stat().st_mtime_ns + 1_000_000_000))
    assert fingerprint(package) != before


def test_another_copy_of_the_package_has_its_own_fingerprint(package: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    assert fingerprint(copy) != fingerprint(package)


def test_compiled_modules_and_other_files_do_not_change_the_fingerprint(package: Path) -> None:
    before = fingerprint(package)
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "_engine.cpython-311.pyc").write_bytes(b"\x00")
    (package / "README.txt").write_text("notes", encoding="utf-8")
    assert fingerprint(package) == before
