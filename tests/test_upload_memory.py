"""Peak memory of the app while it reviews a 10 MB upload (issue 10, finding 1).

Marked slow and left out of `make test` (pyproject addopts: -m "not slow"); run it with
`.venv/bin/pytest -m slow tests/test_upload_memory.py -s`, which prints each figure.
Each upload runs in its own process (AppTest runs the app in-process, standing in for the
server), so each peak is that upload's alone.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

UPLOAD_BYTES = 10 * 1000 * 1000
PEAK_LIMIT_MIB = 400  # the app alone is about 200 MiB; a megabyte of blank lines once took 1.6 GiB
HEADER = "level,histology,case_label\n"
MEASURE = """
import resource, sys
from streamlit.testing.v1 import AppTest
from tests.test_upload_memory import upload
content = upload(sys.argv[1])
at = AppTest.from_file("app.py", default_timeout=600)
at.run()
at.switch_page("app_pages/batch.py").run()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
at.file_uploader(key="batch_upload").set_value(("cases.csv", content, "text/csv")).run()
at.button(key="batch_run").click().run()
assert not at.exception, at.exception
shown = [str(e.value) for e in at.error] + [f"{m.label} {m.value}" for m in at.metric]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before // 1024, after // 1024, " | ".join(shown)[:300])
"""


def upload(kind: str) -> bytes:
    """A 10 MB CSV of one kind of abuse."""
    if kind == "blank_lines":
        body = "\n" * (UPLOAD_BYTES - len(HEADER))
    elif kind == "long_rows":  # 10,000 rows of 1 kB: the row limit exactly, every row an error
        row = "T8,lung," + "x" * (UPLOAD_BYTES // 10_000 - len("T8,lung,") - 1) + "\n"
        body = row * 10_000
    else:  # one quoted cell spanning the whole file
        body = 'T8,lung,"' + "line\n" * ((UPLOAD_BYTES - len(HEADER) - 12) // 5) + '"\n'
    return (HEADER + body).encode()


@pytest.mark.parametrize("kind", ["blank_lines", "long_rows", "one_huge_cell"])
def test_peak_memory_of_a_10_mb_upload_stays_bounded(kind: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, kind],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    before_mib, peak_mib, shown = result.stdout.strip().splitlines()[-1].split(" ", 2)
    print(f"\n{kind}: {len(upload(kind)):,} bytes; peak {peak_mib} MiB (app {before_mib}); {shown}")
    assert int(peak_mib) < PEAK_LIMIT_MIB
