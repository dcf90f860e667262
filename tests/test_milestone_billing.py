"""The console script's start-up check: our packages are the ones Python would import."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import milestone_billing
from milestone_billing import main, replaced_packages, startup_problem


def test_nothing_is_reported_when_every_package_is_ours() -> None:
    assert replaced_packages() == []
    assert startup_problem() is None


def test_a_module_that_shadows_one_of_our_packages_is_named_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    planted = tmp_path / "schema.py"
    planted.write_text("SCHEMA = 'not ours'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()

    assert replaced_packages() == [f"'schema' was replaced ({planted.resolve()})"]
    assert main(["--version"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: milestone-billing cannot start")
    assert "environment of its own" in err


def test_a_remembered_clean_check_is_made_again_once_a_package_is_shadowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(milestone_billing, "CHECKED_DIR", tmp_path / "cache")
    folder = tmp_path / "on-path"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    assert startup_problem() is None  # checked and remembered
    assert list((tmp_path / "cache").iterdir())

    (folder / "db.py").write_text("DB = 'not ours'\n")
    importlib.invalidate_caches()

    problem = startup_problem()
    assert problem is not None and "'db' was replaced" in problem
