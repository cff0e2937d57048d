"""Fixtures for the CDS Hooks service: the app over a fresh store, a throwaway PostgreSQL
cluster, and a real uvicorn process.

The PostgreSQL cluster is started once per session with initdb/pg_ctl from Debian's
package (``make postgresql`` installs it), in a temporary folder on a free port, and
stopped afterwards. initdb refuses to run as root, so as root it runs as ``postgres``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from cds_service import FeedbackStore, Settings, create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_REQUEST = ROOT / "cds_service" / "examples" / "hook-request.json"
HOOK_PATH = "/cds-services/spine-metastasis-approach"
START_SECONDS = 60
# The example bundle's inputs, read off cds_service/examples/hook-request.json by hand
# (age: born 1970-01-15, 56 from 2026-01-15 to 2027-01-14).
EXAMPLE_INPUTS: dict[str, object] = {
    "level": "T8",
    "histology": "lung",
    "kps": 40,
    "frankel": "C",
    "escc_grade": "2",
    "compression_site": "anterior",
    "compression_extent": "single",
    "sins_total": 8,
    "expected_survival_months": 4.5,
    "age_years": 56,
}


def example_request() -> dict[str, Any]:
    """The documented example hook call (a fresh copy each time, safe to edit)."""
    data: dict[str, Any] = json.loads(EXAMPLE_REQUEST.read_text(encoding="utf-8"))
    return data


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _postgres_binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail(
            "PostgreSQL server binaries are missing: run `make postgresql` (make test does)"
        )
    return found[-1].parent


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster; yields the URL of its maintenance database."""
    binaries = _postgres_binaries()
    root = Path(tempfile.mkdtemp(prefix="cds-postgres-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [*as_owner, str(binaries / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        [*as_owner, str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*pg_ctl, "-l", str(root / "server.log"), "-o", options, "-w", "-t", "60", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def fresh_postgres_database(server_url: str) -> str:
    """A new empty database on the throwaway server."""
    name = f"feedback_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated store: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    FeedbackStore(url).migrate()
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty, migrated SQLite store."""
    url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    FeedbackStore(url).migrate()
    return url


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    """The app over a fresh SQLite store, through FastAPI's test client."""
    with TestClient(create_app(Settings(database_url=sqlite_url))) as test_client:
        yield test_client


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start_service(
    database_url: str, workers: int, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """``python -m cds_service`` on a free port; returns the process and its base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "cds_service", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database_url, "CDS_APP_URL": "https://app.example"},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_SECONDS
    while not _healthy(url):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(f"cds_service did not start: {log.read_text(errors='replace')}")
        time.sleep(0.2)
    return server, url


@pytest.fixture(scope="module")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn process (one worker) over a SQLite file; stopped afterwards."""
    folder = tmp_path_factory.mktemp("service")
    server, url = start_service(f"sqlite:///{folder / 'feedback.sqlite3'}", 1, folder / "log")
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
