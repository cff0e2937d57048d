"""Benchmarks of the clinical core, the batch command and the app: ``python -m benchmarks``.

Four measurements, each against a target:

(a) one assessment in-process (median and p95);
(b) ``python -m rules batch`` end to end in a subprocess: wall time and peak memory,
    at several sizes so a growing file shows memory staying flat;
(c) the Assess page's rerun after submitting, as a ratio to a minimal form page
    measured the same way (``streamlit.testing.v1.AppTest``) in the same run;
(d) ``streamlit run`` to the first rendered page and to the first result in
    headless Chromium (Playwright).

Results are printed as a table and written to docs/BENCHMARKS.md between markers.
"""
