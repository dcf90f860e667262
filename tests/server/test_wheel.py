"""The wheel as a user installs it: into a clean venv, with exactly the locked dependencies.

Run from outside the checkout, so nothing of the source tree is importable by accident.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import httpx
import pytest

from server.graphiql_assets import ASSETS
from tests.postgres import free_port
from tests.server.live import ROOT, cli_env, stop_server, wait_healthy

# A distribution of another name that ships a top-level `schema` package, as PyPI's do.
FAKE_SCHEMA = {"schema/__init__.py": "class Schema:\n    pass\n"}


def uv() -> str:
    """The uv that `make` installed beside this Python (uv.lock pins it), or one on PATH."""
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    assert found, "uv is not installed: run `make test` (or `make lock`), which installs it"
    return found


def run(*command: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=600, cwd=cwd
    )
    assert result.returncode == 0, f"{command}:\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(uv(), "build", "--wheel", "--quiet", "--out-dir", out, ROOT)
    (built,) = out.glob("milestone_billing-*.whl")
    return built


@pytest.fixture(scope="module")
def locked_requirements(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """uv.lock's runtime dependencies, with their hashes."""
    path = tmp_path_factory.mktemp("lock") / "requirements.txt"
    run(uv(), "export", "--frozen", "--no-dev", "--no-emit-project", "-o", path, cwd=ROOT)
    return path


def install(venv: Path, wheel: Path, requirements: Path) -> Path:
    """A clean venv with the locked dependencies and the wheel; return its bin folder."""
    run(uv(), "venv", "--quiet", "--python", sys.executable, venv)
    # Compiled as pip compiles: with PYTHONDONTWRITEBYTECODE set, each start would compile all.
    pip_install = (uv(), "pip", "install", "--quiet", "--compile-bytecode")
    python = ("--python", venv / "bin" / "python")
    run(*pip_install, *python, "--require-hashes", "-r", requirements)
    run(*pip_install, *python, "--no-deps", wheel)
    return venv / "bin"


def outside_env(workdir: Path, **extra: str) -> dict[str, str]:
    """The CLI's environment with the user's cache in WORKDIR, and no venv of ours active."""
    env = cli_env(
        f"sqlite+aiosqlite:///{workdir}/billing.db", XDG_CACHE_HOME=str(workdir / "cache")
    )
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    return {**env, **extra}


@pytest.fixture(scope="module")
def served_from_wheel(
    wheel: Path, locked_requirements: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """`milestone-billing serve` from the wheel in a clean venv; yield (base URL, workdir)."""
    if shutil.which("npm") is None:
        pytest.skip("npm is needed to fetch GraphiQL's pinned files; it is not installed")
    workdir = tmp_path_factory.mktemp("installed")
    script = install(workdir / "venv", wheel, locked_requirements) / "milestone-billing"
    subprocess.run([script, "migrate"], env=outside_env(workdir), cwd=workdir, check=True)
    port = free_port()
    log = workdir / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [script, "serve", "--port", str(port)],
            env=outside_env(workdir),
            cwd=workdir,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        # The first start compiles every module and fetches GraphiQL's files with npm.
        wait_healthy(base_url, process, log, seconds=180)
        yield base_url, workdir
    finally:
        stop_server(process)


def test_the_installed_wheel_serves_graphiql_from_its_cache_naming_no_outside_host(
    served_from_wheel: tuple[str, Path],
) -> None:
    base_url, workdir = served_from_wheel
    page = httpx.get(f"{base_url}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text, page.text[:2000]
    assert "unpkg" not in page.text
    cache = workdir / "cache" / "milestone-billing" / "graphiql-assets"
    for asset in ASSETS:
        assert f'"/graphiql-assets/{asset.name}"' in page.text
        served = httpx.get(f"{base_url}/graphiql-assets/{asset.name}", timeout=10)
        assert served.status_code == 200
        assert served.content == (cache / asset.name).read_bytes()


def fake_wheel(directory: Path, name: str, files: dict[str, str]) -> Path:
    """A minimal wheel of distribution NAME 1.0 holding FILES."""
    dist_info = f"{name}-1.0.dist-info"
    contents = {
        **files,
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in contents.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{dist_info}/RECORD,,")
    path = directory / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in contents.items():
            archive.writestr(member, text)
        archive.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return path


def test_a_package_replaced_by_another_distribution_is_named_in_one_line(
    wheel: Path, locked_requirements: Path, tmp_path: Path
) -> None:
    bin_dir = install(tmp_path / "venv", wheel, locked_requirements)
    script = bin_dir / "milestone-billing"
    env = outside_env(tmp_path)
    clean = subprocess.run([script, "--version"], env=env, capture_output=True, text=True)
    assert clean.stdout.strip() == f"milestone-billing {metadata.version('milestone-billing')}"

    other = fake_wheel(tmp_path, "schema", FAKE_SCHEMA)
    run(uv(), "pip", "install", "--quiet", "--python", bin_dir / "python", other)
    for command in (["--version"], ["serve", "--port", str(free_port())]):
        broken = subprocess.run([script, *command], env=env, capture_output=True, text=True)
        assert broken.returncode == 1
        assert broken.stdout == ""
        assert broken.stderr.count("\n") == 1, broken.stderr
        assert "its package 'schema' was replaced by the distribution schema" in broken.stderr
        assert "Install milestone-billing into an environment of its own" in broken.stderr
