"""Items 11, 12 of issue 13: a new user's first hour (font for PDF under `make run`, data dir
independent of the current directory, TBT_PORT under `make run`, the word list, pyproject)."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings


def _make_n(*args: str, **env: str) -> str:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TBT_")}
    e.update(env)
    done = subprocess.run(["make", "-n", *args], cwd=PROJECT_ROOT, env=e, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_run_installs_the_cjk_font() -> None:
    out = _make_n("run")
    assert "system-deps.sh font" in out
    script = (PROJECT_ROOT / "scripts" / "system-deps.sh").read_text(encoding="utf-8")
    assert "fonts-wqy-microhei" in script


def test_make_run_honours_tbt_port() -> None:
    assert "--port 9137" in _make_n("run", TBT_PORT="9137")
    assert "--port 8000" in _make_n("run")
    assert "--port 9200" in _make_n("run", "PORT=9200", TBT_PORT="9137")


def test_data_dir_does_not_depend_on_the_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TBT_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.data_dir == PROJECT_ROOT / "var"
    assert s.resolved_database_url.endswith(str(PROJECT_ROOT / "var" / "tbt.sqlite3"))
    assert not (tmp_path / "var").exists()


def test_explicit_relative_data_dir_is_fixed_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TBT_DATA_DIR", "mine")
    s = Settings()
    assert s.data_dir == tmp_path / "mine" and s.data_dir.is_absolute()


def test_word_list_is_installed_by_system_deps() -> None:
    script = (PROJECT_ROOT / "scripts" / "system-deps.sh").read_text(encoding="utf-8")
    assert "wamerican" in script and "/usr/share/dict/american-english" in script


def test_pyproject_uses_the_current_licence_form() -> None:
    """setuptools warns (a deprecation banner on every install) about `license = {text=...}`."""
    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(data["project"]["license"], str)
    assert not any(c.startswith("License ::") for c in data["project"].get("classifiers", []))
    req = data["build-system"]["requires"][0]
    assert req.startswith("setuptools>=") and int(req.split(">=")[1].split(".")[0]) >= 77
