"""Run the benchmarks, print a table and record it in docs/BENCHMARKS.md.

python -m benchmarks                  # everything (about two minutes)
python -m benchmarks --only batch     # one part: assess, batch, rerun, browser, service
python -m benchmarks --no-write       # print only
python -m benchmarks --check          # exit 1 when a target is missed
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime
import importlib.metadata
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rules import Approach, Patient, assess, parse_patient
from rules.batch import ACTUAL_APPROACH_COLUMN, ALLOWED_COLUMNS, csv_row
from rules.case_library import teaching_cases
from rules.patient import (
    INPUT_FIELDS,
    OPTIONAL_FIELDS,
    FieldKind,
    field_choices,
    field_kind,
    field_spec,
    what_if_values,
)

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest  # noqa: TID251 - this benchmark measures the UI

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "BENCHMARKS.md"
START_MARKER = "<!-- results:start (written by python -m benchmarks; edit outside the markers) -->"
END_MARKER = "<!-- results:end -->"

# Targets.
ASSESS_TARGET_MS = 1.0
BATCH_TARGET_S = 3.0
RERUN_RATIO_TARGET = 2.0
MEMORY_FLAT_TOLERANCE = 0.10  # peak RSS may grow by at most 10% from the smallest file

# Sizes and repeats.
ASSESS_RUNS = 3000
ASSESS_WARMUP = 100
NEW_PATIENT_RUNS = 1000  # generated patients, each assessed once (no target: see findings)
BATCH_ROWS = 10_000
BATCH_REPEATS = 3
MEMORY_ROWS = (1_000, 10_000, 50_000)
RERUNS = 30
RERUN_WARMUP = 3
BROWSER_REPEATS = 3
BROWSER_TIMEOUT_MS = 60_000
SERVER_START_SECONDS = 60.0

# The generated cohort: reproducible, mostly valid, some rows broken on purpose.
SEED = 20_261_121
KNOWN_SHARE = 0.7
INVALID_SHARE = 0.02
AUDITED_SHARE = 0.5
INVALID_BY_KIND: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.CHOICE: ("zzz",),
    FieldKind.WHOLE_NUMBER: ("abc", "4_0", "-5"),
    FieldKind.NUMBER: ("abc",),
    FieldKind.BOOLEAN: ("maybe",),
}
# One field of each kind gets broken values, and the first required field an empty cell.
INVALID_CELLS: dict[str, tuple[str, ...]] = {
    **{
        next(name for name in OPTIONAL_FIELDS if field_kind(name) is kind): cells
        for kind, cells in INVALID_BY_KIND.items()
    },
    next(name for name in INPUT_FIELDS if Patient.model_fields[name].is_required()): ("",),
}

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIME_COMMAND = "/usr/bin/time"
PEAK_RSS_PATTERN = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
CPU_PATTERN = re.compile(r"(?:User|System) time \(seconds\): ([\d.]+)")
# Fallback when /usr/bin/time is missing: a fresh wrapper whose only child is the batch,
# so RUSAGE_CHILDREN is that child's peak alone (ru_maxrss is in kB on Linux).
RUSAGE_WRAPPER = (
    "import resource, subprocess, sys; "
    "code = subprocess.call(sys.argv[1:]); "
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "sys.stderr.write(f'Maximum resident set size (kbytes): {usage.ru_maxrss}\\n'"
    "f'User time (seconds): {usage.ru_utime}\\nSystem time (seconds): {usage.ru_stime}\\n'); "
    "sys.exit(code)"
)

# The Assess page and a minimal form page, driven the same way through AppTest.
APP_PATIENTS: tuple[dict[str, str], ...] = (
    {"level": "T8", "histology": "lung", "escc_grade": "2"},
    {"level": "L3", "histology": "breast", "escc_grade": "1a"},
)
RESULT_HEADING = "Options, best first"
PAGE_TITLE = "Assess a spinal metastasis"
MINIMAL_PAGE = """
import streamlit as st

with st.form("form"):
    st.selectbox("Level", ["T8", "L3"], index=None, key="level")
    st.form_submit_button("Assess", key="submit")
st.write(st.session_state.get("level"))
"""


@dataclass(frozen=True)
class Measurement:
    """One line of the results table."""

    name: str
    value: str
    target: str = ""
    met: bool | None = None

    @property
    def status(self) -> str:
        return {True: "met", False: "MISSED", None: ""}[self.met]


# --- the machine ----------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _load() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("pydantic", "streamlit")
    )
    return {
        "CPU": _cpu_model(),
        "Cores": f"{os.cpu_count()} logical, {len(os.sched_getaffinity(0))} usable",
        "RAM": _ram_gib(),
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "Packages": versions,
        "OS": platform.platform(),
        "Date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Load average (1/5/15 min) at start": _load(),
    }


# --- (a) one assessment -----------------------------------------------------------------


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_assess() -> list[Measurement]:
    """Time ``assess`` in-process over the teaching cases, one call at a time."""
    patients = [case.patient for case in teaching_cases()]
    for index in range(ASSESS_WARMUP):
        assess(patients[index % len(patients)])
    times_ms: list[float] = []
    for index in range(ASSESS_RUNS):
        patient = patients[index % len(patients)]
        start = time.perf_counter_ns()
        assess(patient)
        times_ms.append((time.perf_counter_ns() - start) / 1e6)
    median = statistics.median(times_ms)
    p95 = _percentile(times_ms, 0.95)
    return [
        Measurement(
            f"(a) assess, median of {ASSESS_RUNS} runs",
            f"{median:.3f} ms",
            f"<= {ASSESS_TARGET_MS:g} ms",
            median <= ASSESS_TARGET_MS,
        ),
        Measurement(
            "(a) assess, p95",
            f"{p95:.3f} ms",
            f"<= {ASSESS_TARGET_MS:g} ms",
            p95 <= ASSESS_TARGET_MS,
        ),
        Measurement("(a) assess, max", f"{max(times_ms):.3f} ms"),
        *_assess_new_patients(),
    ]


def _assess_new_patients() -> list[Measurement]:
    """``assess`` on a new generated patient every call: nothing of it is remembered."""
    rng = random.Random(SEED)
    patients = [_random_patient(rng, number) for number in range(NEW_PATIENT_RUNS + ASSESS_WARMUP)]
    for patient in patients[:ASSESS_WARMUP]:
        assess(patient)
    times_ms: list[float] = []
    for patient in patients[ASSESS_WARMUP:]:
        start = time.perf_counter_ns()
        assess(patient)
        times_ms.append((time.perf_counter_ns() - start) / 1e6)
    return [
        Measurement(
            f"(a) assess, a new patient each call, median of {NEW_PATIENT_RUNS}",
            f"{statistics.median(times_ms):.3f} ms",
        ),
        Measurement(
            "(a) assess, a new patient each call, p95", f"{_percentile(times_ms, 0.95):.3f} ms"
        ),
    ]


# --- (b) the batch command ----------------------------------------------------------------


def _random_patient(rng: random.Random, number: int) -> Patient:
    def maybe(values: Sequence[object]) -> object:
        return rng.choice(values) if rng.random() < KNOWN_SHARE else None

    fields: dict[str, object] = {"case_label": f"cohort row {number}"}
    for name, info in Patient.model_fields.items():
        if name in fields:
            continue
        choices: Sequence[object] = what_if_values(name)
        if not choices:
            choices = [member.value for member in field_choices(name) or ()]
        if not choices:
            raise ValueError(f"the cohort generator does not know how to draw {name!r}")
        pair = field_spec(name).pairs_with
        if pair is not None and fields.get(pair) is not None:
            fields[name] = None  # one scale of a pair, so the two never disagree
            continue
        fields[name] = rng.choice(choices) if info.is_required() else maybe(choices)
    patient = parse_patient(fields)
    if isinstance(patient, list):  # drawn fields can disagree (a total with its items): drop
        for problem in patient:  # the field a check names last ("kps/ecog": ecog)
            fields[problem.field.split("/")[-1]] = None
        patient = Patient.model_validate(fields)
    return patient


def write_cohort(path: Path, rows: int, seed: int = SEED) -> None:
    """A reproducible cohort CSV: random valid patients, a few rows broken on purpose."""
    rng = random.Random(seed)
    approaches = list(Approach)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=ALLOWED_COLUMNS)
        writer.writeheader()
        for number in range(1, rows + 1):
            row = csv_row(_random_patient(rng, number))
            if rng.random() < AUDITED_SHARE:
                row[ACTUAL_APPROACH_COLUMN] = rng.choice(approaches).value
            if rng.random() < INVALID_SHARE:
                field = rng.choice(sorted(INVALID_CELLS))
                row[field] = rng.choice(INVALID_CELLS[field])
            writer.writerow(row)


@dataclass(frozen=True)
class BatchRun:
    """One ``python -m rules batch`` subprocess."""

    rows: int
    wall_s: float
    cpu_s: float
    peak_mib: float


def run_batch_command(source: Path, target: Path, rows: int) -> BatchRun:
    """Run the command as a user would, timing it and reading the child's peak memory."""
    command = [sys.executable, "-m", "rules", "batch", str(source), "-o", str(target)]
    if Path(TIME_COMMAND).exists():
        command = [TIME_COMMAND, "-v", *command]
    else:
        command = [sys.executable, "-c", RUSAGE_WRAPPER, *command]
    start = time.perf_counter()
    completed = subprocess.run(  # noqa: S603 - fixed argv built above
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(f"batch failed ({completed.returncode}): {completed.stderr}")
    peak = PEAK_RSS_PATTERN.search(completed.stderr)
    if peak is None:
        raise RuntimeError(f"no peak memory in: {completed.stderr}")
    with target.open(encoding="utf-8", newline="") as stream:
        written = sum(1 for _ in csv.DictReader(stream))
    if written != rows:
        raise RuntimeError(f"batch wrote {written} rows for {rows}")
    cpu = sum(float(seconds) for seconds in CPU_PATTERN.findall(completed.stderr))
    return BatchRun(rows=rows, wall_s=wall, cpu_s=cpu, peak_mib=int(peak.group(1)) / 1024)


def bench_batch() -> list[Measurement]:
    """Wall time at 10,000 rows; peak memory as the file grows."""
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
        sources = {rows: Path(folder) / f"cohort_{rows}.csv" for rows in MEMORY_ROWS}
        for rows, path in sources.items():
            write_cohort(path, rows)
        target = Path(folder) / "out.csv"
        timed = [
            run_batch_command(sources[BATCH_ROWS], target, BATCH_ROWS) for _ in range(BATCH_REPEATS)
        ]
        wall = statistics.median(run.wall_s for run in timed)
        results.append(
            Measurement(
                f"(b) batch {BATCH_ROWS:,} rows, wall (median of {BATCH_REPEATS})",
                f"{wall:.2f} s ({wall / BATCH_ROWS * 1e3:.3f} ms/row)",
                f"<= {BATCH_TARGET_S:g} s",
                wall <= BATCH_TARGET_S,
            )
        )
        cpu = statistics.median(run.cpu_s for run in timed)
        results.append(
            Measurement(
                f"(b) batch {BATCH_ROWS:,} rows, CPU user+sys (median)",
                f"{cpu:.2f} s (less sensitive to other load than wall time)",
            )
        )
        peaks = {run.rows: run.peak_mib for run in timed[:1]}
        for rows in MEMORY_ROWS:
            if rows not in peaks:
                run = run_batch_command(sources[rows], target, rows)
                peaks[rows] = run.peak_mib
                results.append(Measurement(f"(b) batch {rows:,} rows, wall", f"{run.wall_s:.2f} s"))
        smallest = peaks[min(MEMORY_ROWS)]
        for rows in MEMORY_ROWS:
            growth = peaks[rows] / smallest - 1
            results.append(
                Measurement(
                    f"(b) batch {rows:,} rows, peak RSS",
                    f"{peaks[rows]:.1f} MiB ({growth:+.1%} vs {min(MEMORY_ROWS):,} rows)",
                    f"flat (<= +{MEMORY_FLAT_TOLERANCE:.0%})",
                    growth <= MEMORY_FLAT_TOLERANCE,
                )
            )
    return results


# --- (c) the Assess page's rerun ------------------------------------------------------------


def _timed_run_ms(page: AppTest) -> float:
    start = time.perf_counter()
    page.run()
    return (time.perf_counter() - start) * 1e3


def bench_rerun() -> list[Measurement]:
    """Submit the Assess form repeatedly; compare with a minimal form page, interleaved.

    The Assess page rerun without a result (form only) is timed the same way, to show
    how much of the rerun is the form and how much the result.
    """
    from streamlit.testing.v1 import AppTest  # noqa: TID251 - this benchmark measures the UI

    from app_pages.patient_form import SUBMIT_KEY

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    form_only = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    minimal = AppTest.from_string(MINIMAL_PAGE, default_timeout=60)
    for page in (app, form_only, minimal):
        page.run()
    app_ms: list[float] = []
    form_ms: list[float] = []
    minimal_ms: list[float] = []
    for index in range(RERUN_WARMUP + RERUNS):
        patient = APP_PATIENTS[index % len(APP_PATIENTS)]
        for key, value in patient.items():
            app.selectbox(key=key).set_value(value)
        app.button(key=SUBMIT_KEY).click()
        elapsed_app = _timed_run_ms(app)
        shown = " ".join(str(block.value) for block in app.markdown)
        if app.exception or RESULT_HEADING not in shown:
            raise RuntimeError(f"the Assess page showed no result: {app.exception}")
        elapsed_form = _timed_run_ms(form_only)
        minimal.selectbox(key="level").set_value(patient["level"])
        minimal.button(key="submit").click()
        elapsed_minimal = _timed_run_ms(minimal)
        if index >= RERUN_WARMUP:
            app_ms.append(elapsed_app)
            form_ms.append(elapsed_form)
            minimal_ms.append(elapsed_minimal)
    app_median = statistics.median(app_ms)
    form_median = statistics.median(form_ms)
    minimal_median = statistics.median(minimal_ms)
    ratio = app_median / minimal_median
    return [
        Measurement(
            f"(c) Assess page rerun after submit, median of {RERUNS}", f"{app_median:.1f} ms"
        ),
        Measurement("(c) Assess page rerun, form only (no result yet)", f"{form_median:.1f} ms"),
        Measurement("(c) minimal form page rerun, same way", f"{minimal_median:.1f} ms"),
        Measurement(
            "(c) Assess rerun / minimal rerun",
            f"{ratio:.1f}x",
            f"<= {RERUN_RATIO_TARGET:g}x",
            ratio <= RERUN_RATIO_TARGET,
        ),
        Measurement(
            "(c) Assess rerun / the same page's form-only rerun",
            f"{app_median / form_median:.1f}x",
        ),
    ]


# --- (d) streamlit run to the first result in Chromium ---------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _healthy(url: str, path: str = "/_stcore/health") -> bool:
    try:
        with urllib.request.urlopen(f"{url}{path}", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a server this benchmark started (by its own id), forcefully if it lingers."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@contextmanager
def streamlit_server(port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``streamlit run app.py`` on a port, output to a log; stopped (by its own id) on exit."""
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield server
        finally:
            _stop(server)


def bench_browser() -> list[Measurement]:
    """From ``streamlit run`` to the form, and from pressing Assess to the result."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        return [Measurement("(d) browser", f"skipped: no chromium at {CHROMIUM}")]
    healthy: list[float] = []
    first_page: list[float] = []
    to_result: list[float] = []
    total: list[float] = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-browser-") as folder,
        sync_playwright() as playwright,
    ):
        log = Path(folder) / "streamlit.log"
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for _ in range(BROWSER_REPEATS):
                page = browser.new_page()
                port = _free_port()
                url = f"http://127.0.0.1:{port}"
                start = time.perf_counter()
                with streamlit_server(port, log) as server:
                    while not _healthy(url):
                        if server.poll() is not None or time.perf_counter() - start > (
                            SERVER_START_SECONDS
                        ):
                            output = log.read_text(encoding="utf-8", errors="replace")
                            raise RuntimeError(f"streamlit did not become healthy:\n{output}")
                        time.sleep(0.02)
                    healthy.append(time.perf_counter() - start)
                    page.goto(url)
                    page.get_by_text(PAGE_TITLE).first.wait_for(timeout=BROWSER_TIMEOUT_MS)
                    page.locator(".st-key-level input").wait_for(timeout=BROWSER_TIMEOUT_MS)
                    first_page.append(time.perf_counter() - start)
                    for key, value in APP_PATIENTS[0].items():
                        page.locator(f".st-key-{key} input").click()
                        page.keyboard.type(value)
                        page.keyboard.press("Enter")
                    clicked = time.perf_counter()
                    page.locator(".st-key-assess_submit button").click()
                    page.get_by_text(RESULT_HEADING).first.wait_for(timeout=BROWSER_TIMEOUT_MS)
                    done = time.perf_counter()
                    to_result.append(done - clicked)
                    total.append(done - start)
                page.close()
        finally:
            browser.close()

    def median_s(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} s (median of {len(values)})"

    return [
        Measurement("(d) streamlit run -> server healthy", median_s(healthy)),
        Measurement("(d) streamlit run -> form rendered in Chromium", median_s(first_page)),
        Measurement("(d) Assess click -> result rendered", median_s(to_result)),
        Measurement("(d) streamlit run -> first result rendered", median_s(total)),
    ]


# --- the table and the report ---------------------------------------------------------------

# --- (e) the CDS Hooks service under concurrent clients ---------------------------------

SERVICE_WORKERS = (1, 2)
SERVICE_CLIENTS = (1, 10, 50)
SERVICE_REQUESTS = 300  # timed requests per endpoint, concurrency and worker count
SERVICE_WARMUP = 30
SERVICE_RATIO_TARGET = 5.0  # POST /assess p50 within 5x of GET /health p50
HOOK_EXAMPLE = ROOT / "cds_service" / "examples" / "hook-request.json"


@dataclass(frozen=True)
class Call:
    """One HTTP request, as bytes on a kept-alive connection."""

    name: str
    method: str
    path: str
    bodies: tuple[bytes, ...] = (b"",)

    def request(self, number: int) -> bytes:
        body = self.bodies[number % len(self.bodies)]
        head = (
            f"{self.method} {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """Send one request and read its whole answer; returns the status code."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")
    )
    await reader.readexactly(length)
    return int(lines[0].split()[1])


async def _drive(port: int, call: Call, clients: int, requests: int) -> tuple[float, list[float]]:
    """``requests`` calls shared by ``clients`` kept-alive connections; (seconds, latencies)."""
    latencies: list[float] = []
    counter = iter(range(requests))

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for number in counter:
                start = time.perf_counter()
                status = await _exchange(reader, writer, call.request(number))
                latencies.append((time.perf_counter() - start) * 1000)
                if status != 200:
                    raise RuntimeError(f"{call.name}: HTTP {status}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started, latencies


def _service_calls() -> tuple[Call, ...]:
    cases = tuple(
        json.dumps(
            {k: v for k, v in case.patient.model_dump(mode="json").items() if v is not None}
        ).encode()
        for case in teaching_cases()
    )
    return (
        Call("GET /health", "GET", "/health"),
        Call("POST /assess", "POST", "/assess", cases),
        Call(
            "POST hook",
            "POST",
            "/cds-services/spine-metastasis-approach",
            (HOOK_EXAMPLE.read_bytes(),),
        ),
    )


@contextmanager
def cds_service(workers: int, folder: Path) -> Iterator[int]:
    """``python -m cds_service`` with the workers over a fresh SQLite store; yields its port."""
    port = _free_port()
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / f'bench-{workers}.sqlite3'}"}
    with (folder / f"service-{workers}.log").open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "cds_service", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(f"http://127.0.0.1:{port}", "/health"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"cds_service did not start (see {folder})")
            time.sleep(0.2)
        yield port
    finally:
        _stop(server)


def _measure(port: int, call: Call, workers: int, clients: int) -> tuple[float, Measurement]:
    """Warm up, then time one endpoint; returns its p50 (ms) and its table line."""
    asyncio.run(_drive(port, call, clients, SERVICE_WARMUP))
    seconds, latencies = asyncio.run(_drive(port, call, clients, SERVICE_REQUESTS))
    p50, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
    return p50, Measurement(
        f"(e) {call.name}, {workers} worker(s), {clients} client(s)",
        f"{SERVICE_REQUESTS / seconds:.0f} req/s; p50 {p50:.1f} ms, p95 {p95:.1f} ms",
    )


def bench_service() -> list[Measurement]:
    """Requests/s and p50/p95 latency of health, assess and the hook at 1/10/50 clients."""
    calls = _service_calls()
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="bench-service-") as folder:
        for workers in SERVICE_WORKERS:
            with cds_service(workers, Path(folder)) as port:
                for clients in SERVICE_CLIENTS:
                    p50: dict[str, float] = {}
                    for call in calls:
                        p50[call.name], line = _measure(port, call, workers, clients)
                        measurements.append(line)
                    ratio = p50["POST /assess"] / p50["GET /health"]
                    measurements.append(
                        Measurement(
                            f"(e) assess / health p50, {workers} worker(s), {clients} client(s)",
                            f"{ratio:.1f}x",
                            f"<= {SERVICE_RATIO_TARGET:g}x",
                            ratio <= SERVICE_RATIO_TARGET,
                        )
                    )
    return measurements


BENCHMARKS: dict[str, Callable[[], list[Measurement]]] = {
    "assess": bench_assess,
    "batch": bench_batch,
    "rerun": bench_rerun,
    "browser": bench_browser,
    "service": bench_service,
}
# Parts recorded in a block of their own, so running one part alone keeps the others'.
OWN_BLOCKS: dict[str, tuple[str, str]] = {
    "service": (
        "<!-- service-results:start (written by python -m benchmarks --only service) -->",
        "<!-- service-results:end -->",
    ),
}


def table(measurements: Sequence[Measurement]) -> str:
    """A Markdown table, readable as plain text too."""
    header = ("Measurement", "Result", "Target", "Status")
    rows = [header, *((m.name, m.value, m.target, m.status) for m in measurements)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def results_block(
    about: dict[str, str],
    measurements: Sequence[Measurement],
    command: str,
    markers: tuple[str, str] = (START_MARKER, END_MARKER),
) -> str:
    """A generated part of docs/BENCHMARKS.md."""
    machine_lines = "\n".join(f"- **{key}**: {value}" for key, value in about.items())
    return (
        f"{markers[0]}\n"
        f"Last run: `{command}`\n\n"
        f"{machine_lines}\n\n"
        f"{table(measurements)}\n"
        f"{markers[1]}"
    )


def write_report(
    block: str, path: Path = REPORT, markers: tuple[str, str] = (START_MARKER, END_MARKER)
) -> None:
    """Replace the generated block, keeping the hand-written text around it."""
    start, end = markers
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text and end in text:
        before = text.partition(start)[0]
        after = text.partition(end)[2]
        text = before + block + after
    else:
        text = (text or "# Benchmarks\n") + "\n## Results\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="repeatable")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/BENCHMARKS.md")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    arguments = parser.parse_args(argv)
    chosen = arguments.only or list(BENCHMARKS)
    about = machine()
    by_block: dict[tuple[str, str], list[Measurement]] = {}
    for name in chosen:
        sys.stderr.write(f"benchmark: {name} ...\n")
        block = by_block.setdefault(OWN_BLOCKS.get(name, (START_MARKER, END_MARKER)), [])
        try:
            block.extend(BENCHMARKS[name]())
        except Exception as error:  # one broken part must not lose the others' results
            sys.stderr.write(f"benchmark {name} failed: {error}\n")
            block.append(Measurement(f"{name}", f"failed: {type(error).__name__}", met=False))
    about["Load average (1/5/15 min) at end"] = _load()
    measurements = [m for block in by_block.values() for m in block]
    print(table(measurements))
    if not arguments.no_write:
        command = " ".join(
            ["python -m benchmarks", *(f"--only {name}" for name in arguments.only or ())]
        )
        for markers, block in by_block.items():
            write_report(results_block(about, block, command, markers), markers=markers)
        sys.stderr.write(f"written: {REPORT.relative_to(ROOT)}\n")
    missed = [m.name for m in measurements if m.met is False]
    return 1 if arguments.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
