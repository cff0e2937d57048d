"""Shared rendering: option cards, citation links, score tables, alerts, downloads.

Pure functions first (they build Markdown strings and table rows from what ``rules``
returns), layout last. Every page shows results through these, so a verdict or a
reference looks the same wherever it appears. Nothing here decides anything clinical.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Literal

import pandas as pd
import streamlit as st

from evidence import Reference, Verification, registry
from rules import (
    RULES,
    VERDICT_LABELS,
    Alert,
    AlertLevel,
    Assessment,
    BilskyResult,
    Direction,
    NeedResult,
    OptionAssessment,
    Reason,
    ScoreResult,
    Verdict,
    to_markdown,
)
from rules.markdown import escape_markdown

BANNER = "Research and teaching prototype — not for clinical decisions."
FRIENDLY_ERROR = (
    "Something went wrong while showing this page, and nothing was saved. Check the inputs "
    "and try again; if it happens again, tell the maintainers what you did (not who the "
    "patient is)."
)
PRIVACY = (
    "Inputs stay in memory for this browser session only: nothing is written to disk, logs "
    "or the address bar."
)
LOGGER = logging.getLogger(__name__)

Colour = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray", "primary"]

# Presentation only: the colour of each verdict, always beside its words (never an icon in
# text: screen readers read a Material icon as its name). The verdicts come from rules.
VERDICT_STYLE: dict[Verdict, Colour] = {
    Verdict.SUGGESTED: "green",
    Verdict.CONSIDER: "blue",
    Verdict.CAUTION: "orange",
    Verdict.NOT_SUGGESTED: "red",
    Verdict.OUT_OF_SCOPE: "gray",
}
VERIFICATION_STYLE: dict[Verification, tuple[Colour, str]] = {
    Verification.VERIFIED: ("green", "verified"),
    Verification.PARTIAL: ("green", "partly verified"),
    Verification.AS_CITED: ("orange", "not verified (as cited)"),
    Verification.UNRESOLVED: ("red", "unresolved"),
}
DIRECTION_HEADINGS: dict[Direction, str] = {
    Direction.FOR: ":green[**For**]",
    Direction.AGAINST: ":red[**Against**]",
    Direction.NOTE: ":gray[**Notes**]",
}
ALERT_ICONS: dict[AlertLevel, str] = {
    AlertLevel.EMERGENCY: ":material/emergency:",
    AlertLevel.WARNING: ":material/warning:",
    AlertLevel.INFO: ":material/info:",
}
# Rank words for the seven options (presentation only).
ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th")
LINK_SCHEMES = ("https://", "http://")
RULE_BY_ID = {rule.id: rule for rule in RULES}
# The block holding the alerts and the ranking: what is brought into view after Assess.
ANSWER_KEY = "assessment_answer"
STYLE_SHEET = Path(__file__).with_name("app.css")
# A table wider than a phone scrolls inside its box; WCAG wants such a region focusable
# (and named) so it can be scrolled from the keyboard. Installed once per page load.
SCROLLABLE_SCRIPT = """
(() => {
  if (window.__scrollableWatch) { return; }
  window.__scrollableWatch = true;
  const mark = () => {
    document.querySelectorAll('[data-testid="stTable"] > div').forEach((box) => {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute('tabindex')) {
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', 'Table, scrolls sideways');
      }
    });
  };
  new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
  window.addEventListener('resize', mark);
  mark();
})();
"""
# Waits until Streamlit has finished the run (so the block has its final place), then
# scrolls, focuses and announces. The live region lives outside Streamlit's tree so it
# survives reruns and is announced when its text changes.
REVEAL_SCRIPT = """
(() => {
  const nonce = __NONCE__;
  let tries = 0;
  const go = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const block = document.querySelector(__KEY__);
    const running = app && app.getAttribute('data-test-script-state') === 'running';
    if ((!block || running) && tries++ < 100) { setTimeout(go, 100); return; }
    window.__revealed = window.__revealed || {};
    if (!block || window.__revealed[__KEY__] === nonce) { return; }
    window.__revealed[__KEY__] = nonce;
    block.setAttribute('tabindex', '-1');
    block.scrollIntoView({block: 'start'});
    block.focus({preventScroll: true});
    let live = document.getElementById('app-live-region');
    if (!live) {
      live = document.createElement('div');
      live.id = 'app-live-region';
      live.setAttribute('role', 'status');
      live.setAttribute('aria-live', 'polite');
      live.className = 'app-visually-hidden';
      document.body.appendChild(live);
    }
    live.textContent = __MESSAGE__;
  };
  setTimeout(go, 50);
})();
"""


# --- pure: text --------------------------------------------------------------------------


def link_target(reference: Reference) -> str | None:
    """The reference's best address (PubMed, else DOI, else a source page), if it is a URL.

    Curated source pages sometimes carry a note after the address; only the address is kept.
    """
    if not reference.url:
        return None
    first = reference.url.split()[0]
    return first if first.startswith(LINK_SCHEMES) else None


def evidence_grade(reference: Reference) -> str:
    """Study design and level of evidence in a few words, e.g. 'case series, Level IV'."""
    design = reference.design or "design not stated"
    level = reference.level_of_evidence.split(" (")[0]
    return f"{design}, {level}" if level.startswith("Level") else design


def verification_badge(verification: Verification) -> str:
    """How far the record was checked: quiet green text when checked, a loud badge when not.

    Words only: an icon inside Markdown text is read aloud as its name ('check_circle').
    """
    colour, words = VERIFICATION_STYLE[verification]
    if verification.is_checked:
        return f":{colour}[:small[{words}]]"
    return f":{colour}-badge[⚠ **{words}**]"


def reference_name(reference: Reference) -> str:
    """The reference's distinct short label ('Laufer 2013a'), else its own short label."""
    return registry().labels.get(reference.id, reference.short_label)


def citation_link(reference: Reference) -> str:
    """'[Author Year](url) PubMed' (or DOI, other source), or the bare name with 'no link'."""
    name = escape_markdown(reference_name(reference))
    target = link_target(reference)
    if target is None:
        return f"{name} :small[(no link)]"
    return f"[{name}]({target}) :small[({reference.link_kind})]"


def citation_markdown(reference: Reference) -> str:
    """A citation as Markdown: link, design and level, and the verification badge."""
    return (
        f"{citation_link(reference)} :small[{escape_markdown(evidence_grade(reference))}] "
        f"{verification_badge(reference.verification)}"
    )


def citations_markdown(ids: Iterable[str], references: Mapping[str, Reference]) -> str:
    """Several citations on one line, in the order given."""
    return " · ".join(citation_markdown(references[reference_id]) for reference_id in ids)


def verdict_badge(verdict: Verdict) -> str:
    """A coloured Markdown badge for a verdict: its words carry the meaning, not the colour."""
    return f":{VERDICT_STYLE[verdict]}-badge[{VERDICT_LABELS[verdict]}]"


def reason_markdown(reason: Reason, references: Mapping[str, Reference]) -> str:
    """One reason as a bullet, its sources on the line below."""
    sources = citations_markdown(reason.citations, references)
    return f"- {escape_markdown(reason.text)}  \n  :small[Sources:] {sources}"


def reasons_by_direction(option: OptionAssessment) -> dict[Direction, list[Reason]]:
    """The option's reasons grouped For, Against, Notes (empty groups left out)."""
    grouped: dict[Direction, list[Reason]] = {}
    for direction in DIRECTION_HEADINGS:
        found = [reason for reason in option.reasons if reason.direction is direction]
        if found:
            grouped[direction] = found
    return grouped


def gate_reasons(option: OptionAssessment) -> list[Reason]:
    """The ceilings and floors bearing on the option, the one that set its verdict first."""
    gates = [reason for reason in option.reasons if reason.stance is None]
    return sorted(gates, key=lambda reason: reason.rule != option.deciding_rule)


def weighed_reasons(option: OptionAssessment) -> dict[Direction, list[Reason]]:
    """The weighed reasons (not the gates) grouped For, Against, Notes; empty groups left out."""
    return {
        direction: [reason for reason in reasons if reason.stance is not None]
        for direction, reasons in reasons_by_direction(option).items()
        if any(reason.stance is not None for reason in reasons)
    }


def card_summary(option: OptionAssessment) -> str:
    """One line above the card's reasons: what set the verdict and how the reasons weigh.

    Built from counts and the deciding gate's code, so it never repeats a bullet.
    """
    counts = {
        direction: sum(reason.direction is direction for reason in reasons)
        for direction, reasons in weighed_reasons(option).items()
    }
    weighed = (
        f"{counts.get(Direction.FOR, 0)} for, {counts.get(Direction.AGAINST, 0)} against "
        f"(net {option.net_score:+d})"
    )
    deciding = next(
        (reason for reason in option.reasons if reason.rule == option.deciding_rule), None
    )
    if deciding is None or deciding.stance is not None:
        return f"{VERDICT_LABELS[option.verdict]} on the weighed reasons: {weighed}."
    code = gate_code(deciding.rule)
    gate = f"gate {code}" if code else "a gate"
    action = "capped" if deciding.ceiling is not None else "lifted"
    return f"{VERDICT_LABELS[option.verdict]}, {action} by {gate}. Weighed reasons: {weighed}."


def gate_code(rule_id: str) -> str | None:
    """The pathway code of a ceiling or floor row (e.g. 'C3'), if it has one."""
    code = getattr(RULE_BY_ID[rule_id].effect, "code", None)
    return code if isinstance(code, str) else None


def gate_markdown(
    option: OptionAssessment, reason: Reason, references: Mapping[str, Reference]
) -> str:
    """A gate as a line: whether it set the verdict, its code and cap, why, and its sources."""
    deciding = reason.rule == option.deciding_rule
    role = "Sets the verdict" if deciding else "Also applies"
    if reason.ceiling is not None:
        effect = f"caps at {VERDICT_LABELS[reason.ceiling].lower()}"
    else:
        effect = "lifts to at least this verdict"
    code = gate_code(reason.rule)
    label = f"{code}, {effect}" if code else effect
    text = f" {escape_markdown(reason.text)}"
    sources = citations_markdown(reason.citations, references)
    return (
        f"- **{role}** ({label}).{text}  \n"
        f"  :small[When {escape_markdown(reason.condition)}. Sources:] {sources}"
    )


def need_words(value: str) -> str:
    """A need or class value as words: 'higher_risk' as 'higher risk'."""
    return value.replace("_", " ")


NEED_NAMES: tuple[tuple[str, str], ...] = (
    ("decompression", "Neurologic: decompression"),
    ("stabilisation", "Mechanical: stabilisation"),
    ("cement_candidate", "Cement candidate"),
    ("fitness", "Systemic: fitness for surgery"),
)


def needs_records(assessment: Assessment) -> list[dict[str, str]]:
    """The four NOMS assessments as table rows: value, what it came from, what was presumed."""
    records: list[dict[str, str]] = []
    for attribute, name in NEED_NAMES:
        need: NeedResult = getattr(assessment.needs, attribute)
        records.append(
            {
                "Assessment": name,
                "Result": f"**{escape_markdown(need_words(need.value))}**",
                "From": escape_markdown("; ".join(need.source)),
                "Presumed": escape_markdown("; ".join(need.presumed)) or "nothing",
            }
        )
    return records


def provisional_markdown(assessment: Assessment, labels: Mapping[str, str]) -> str | None:
    """Why the result is provisional, naming the inputs to fill in by their form labels."""
    if not assessment.provisional:
        return None
    decisive = assessment.decisive_missing_inputs
    lines = ["**Provisional result.**"]
    if decisive:
        names = ", ".join(f"**{escape_markdown(labels.get(n, n))}**" for n in decisive)
        lines.append(
            f"Fill in {names}: {'it is' if len(decisive) == 1 else 'each is'} unknown and "
            "one of its possible values changes the first option."
        )
    others = [
        reason
        for reason in assessment.provisional_reasons
        if not any(reason.startswith(f"{name} ") for name in decisive)
    ]
    if decisive:
        lines.extend(f"Also: {escape_markdown(reason)}." for reason in others)
    else:
        lines.extend(f"{escape_markdown(reason[:1].upper() + reason[1:])}." for reason in others)
    return "  \n".join(lines)


def ranking_markdown(options: Iterable[OptionAssessment]) -> str:
    """The options best first, one line each with the verdict badge."""
    return "\n".join(
        f"{rank}. {verdict_badge(option.verdict)} **{escape_markdown(option.label)}**"
        for rank, option in enumerate(options, 1)
    )


def score_value(score: ScoreResult) -> str:
    """The total, or 'unknown (possible min-max)' when an input is missing."""
    if score.total is not None:
        return str(score.total)
    return f"unknown (possible {score.min}-{score.max})"


def score_band(score: ScoreResult) -> str:
    """The band, or the bands still possible."""
    if score.band is not None:
        return score.band
    return "not settled: " + " / ".join(score.possible_bands)


def component_rows(score: ScoreResult) -> list[dict[str, str]]:
    """A score's working, one row per component, escaped for st.table's Markdown cells."""
    rows: list[dict[str, str]] = []
    for component in score.components:
        if component.points is not None:
            points = str(component.points)
        else:
            points = f"unknown ({component.min}-{component.max})"
        rows.append(
            {
                "Component": escape_markdown(component.name),
                "Input": escape_markdown(", ".join(component.inputs)),
                "Category": escape_markdown(component.category or "unknown"),
                "Points": points,
            }
        )
    return rows


def missing_by_use(assessment: Assessment, labels: Mapping[str, str]) -> dict[str, list[str]]:
    """Missing inputs by what they feed, e.g. {'SINS': ['Pain', 'Bone lesion', ...]}."""
    grouped: dict[str, list[str]] = {}
    for item in assessment.missing_inputs:
        uses = ", ".join(item.used_by)
        grouped.setdefault(uses, []).append(labels.get(item.field, item.field))
    return grouped


def assessment_json(assessment: Assessment) -> str:
    """The whole assessment as JSON (it carries its rules version)."""
    return json.dumps(assessment.model_dump(mode="json"), indent=2, ensure_ascii=False)


def download_name(assessment: Assessment, suffix: str, now: datetime | None = None) -> str:
    """What the file is and when it was made, with the rules version; nothing about the
    patient (not even the case label): 'spinal-metastasis-options-2026-11-29-1405-rules-....pdf'.
    """
    stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M")
    return f"spinal-metastasis-options-{stamp}-{assessment.rules_version}.{suffix}"


# --- layout ---------------------------------------------------------------------------------


def show_disclaimer() -> None:
    """The banner on top of every page, with what happens to the inputs."""
    st.warning(BANNER, icon=":material/school:")
    st.caption(PRIVACY)


@contextmanager
def friendly_errors(what: str) -> Iterator[None]:
    """Show a plain message instead of a traceback; log where it failed, never the inputs."""
    try:
        yield
    except Exception as error:
        # Only the type and the code locations: messages can echo what a user typed.
        where = " <- ".join(
            f"{Path(frame.filename).name}:{frame.lineno} {frame.name}"
            for frame in reversed(traceback.extract_tb(error.__traceback__))
        )
        LOGGER.error("%s failed with %s at %s", what, type(error).__name__, where)
        st.error(FRIENDLY_ERROR, icon=":material/sentiment_dissatisfied:")


def render_alerts(alerts: Iterable[Alert], references: Mapping[str, Reference]) -> None:
    """Alerts before anything else, the most urgent as errors."""
    for alert in alerts:
        body = escape_markdown(alert.text)
        if alert.citations:
            body += "  \n:small[Sources:] " + citations_markdown(alert.citations, references)
        icon = ALERT_ICONS[alert.level]
        if alert.level is AlertLevel.EMERGENCY:
            st.error(body, icon=icon)
        elif alert.level is AlertLevel.WARNING:
            st.warning(body, icon=icon)
        else:
            st.info(body, icon=icon)


def render_ranking(options: Iterable[OptionAssessment]) -> None:
    """The ranking at a glance."""
    st.markdown(ranking_markdown(options))


def render_score(score: ScoreResult, references: Mapping[str, Reference]) -> None:
    """One score on one line (value and band), its working and sources folded below."""
    with st.container(border=True):
        st.markdown(
            f"**{escape_markdown(score.name)}: {escape_markdown(score_value(score))}** · "
            f"{escape_markdown(score_band(score))}"
        )
        if score.band_meaning:
            st.caption(escape_markdown(score.band_meaning))
        with st.expander("Working and sources"):
            st.table(pd.DataFrame(component_rows(score)), hide_index=True)
            st.caption(escape_markdown(score.source_quality))
            st.markdown(":small[Sources:] " + citations_markdown(score.citations, references))


def render_scores(assessment: Assessment, references: Mapping[str, Reference]) -> None:
    """SINS, revised Tokuhashi and Tomita, one under the other."""
    scores = assessment.scores
    for score in (scores.sins, scores.tokuhashi, scores.tomita):
        render_score(score, references)


def render_bilsky(bilsky: BilskyResult, references: Mapping[str, Reference]) -> None:
    """The Bilsky grade in words, or that it is unknown."""
    if bilsky.grade is None:
        st.markdown("**Bilsky ESCC:** unknown (grade it on axial T2 MRI to settle it).")
        return
    st.markdown(
        f"**Bilsky ESCC {escape_markdown(bilsky.grade)}** "
        f"({escape_markdown(bilsky.definition or '')}): "
        f"**{escape_markdown(bilsky.group or '')}**. {escape_markdown(bilsky.meaning or '')}  \n"
        f":small[Sources:] {citations_markdown(bilsky.citations, references)}"
    )


def render_option_card(
    rank: int, option: OptionAssessment, references: Mapping[str, Reference], key_suffix: str = ""
) -> None:
    """One option as a card: name and verdict, a one-line summary, then why, sources beside.

    The gate that set the verdict comes first, then the weighed reasons, then other gates,
    so the reasons of the top option start right under its name.
    """
    with st.container(border=True, key=f"option_card_{option.approach.value}{key_suffix}"):
        st.markdown(
            f"### {rank}. {escape_markdown(option.label)} {verdict_badge(option.verdict)}",
            anchors=False,
        )
        st.markdown(escape_markdown(card_summary(option)))
        gates = gate_reasons(option)
        deciding = [reason for reason in gates if reason.rule == option.deciding_rule]
        others = [reason for reason in gates if reason.rule != option.deciding_rule]
        if deciding:
            st.markdown("\n".join(gate_markdown(option, reason, references) for reason in deciding))
        for direction, reasons in weighed_reasons(option).items():
            st.markdown(
                DIRECTION_HEADINGS[direction]
                + "\n"
                + "\n".join(reason_markdown(reason, references) for reason in reasons)
            )
        if others:
            st.markdown(
                "**Other gates**\n"
                + "\n".join(gate_markdown(option, reason, references) for reason in others)
            )


def render_options(assessment: Assessment, references: Mapping[str, Reference]) -> None:
    """Every option best first, each as a card."""
    for rank, option in enumerate(assessment.options, 1):
        render_option_card(rank, option, references)


def render_missing_inputs(assessment: Assessment, labels: Mapping[str, str]) -> None:
    """What was left unknown, grouped by what it feeds: filling it in could change the answer."""
    if not assessment.missing_inputs:
        st.markdown("Nothing the rules use is missing.")
        return
    st.markdown(
        "\n".join(
            f"- **{escape_markdown(uses)}:** {escape_markdown(', '.join(fields))}"
            for uses, fields in missing_by_use(assessment, labels).items()
        )
    )
    st.caption("The tab 'What would change this answer?' shows which of these would matter.")


def render_downloads(assessment: Assessment) -> None:
    """The assessment as JSON and as Markdown, both stamped with the rules version.

    The files are built only when a button is pressed (a callable), not on every rerun.
    """
    with st.container(horizontal=True):
        st.download_button(
            "Download JSON",
            data=partial(assessment_json, assessment),
            file_name=download_name(assessment, "json"),
            mime="application/json",
            on_click="ignore",
            icon=":material/data_object:",
            key="download_json",
        )
        st.download_button(
            "Download Markdown",
            data=partial(to_markdown, assessment),
            file_name=download_name(assessment, "md"),
            mime="text/markdown",
            on_click="ignore",
            icon=":material/description:",
            key="download_markdown",
        )
    st.caption(f"Rules version `{assessment.rules_version}`")


def render_provisional(assessment: Assessment, labels: Mapping[str, str]) -> None:
    """The provisional notice, first of all, naming what to fill in."""
    notice = provisional_markdown(assessment, labels)
    if notice is not None:
        st.warning(notice, icon=":material/pending:")


def render_needs(assessment: Assessment) -> None:
    """The four NOMS assessments and the tumour class, compactly."""
    st.table(pd.DataFrame(needs_records(assessment)), hide_index=True)
    st.markdown(f"**Tumour class:** {escape_markdown(need_words(assessment.needs.tumour_class))}")


def render_assessment(assessment: Assessment, labels: Mapping[str, str] | None = None) -> None:
    """The whole result, answer first: provisional notice, alerts, ranking and the option
    cards (the top option's reasons right under its name); then the NOMS assessment,
    scores, missing inputs and downloads."""
    references = assessment.citations
    labels = labels or {}
    with st.container(key=ANSWER_KEY):
        st.header("Result", anchor=False)
        if assessment.patient.case_label:
            st.text(f"Case: {assessment.patient.case_label}")
        render_provisional(assessment, labels)
        render_alerts(assessment.alerts, references)
        st.markdown(f"**Options, best first**\n\n{ranking_markdown(assessment.options)}")
    render_options(assessment, references)
    st.header("NOMS assessment", anchor=False)
    render_needs(assessment)
    st.header("Scores", anchor=False)
    render_scores(assessment, references)
    render_bilsky(assessment.bilsky, references)
    st.header("Missing inputs that could change the answer", anchor=False)
    render_missing_inputs(assessment, labels)
    st.header("Download", anchor=False)
    render_downloads(assessment)


def announcement(assessment: Assessment) -> str:
    """What a screen reader hears once a result is shown: the first option and the alerts."""
    top = assessment.options[0]
    words = [f"Result ready. First option: {top.label}, {VERDICT_LABELS[top.verdict].lower()}."]
    if assessment.provisional:
        words.append("The result is provisional.")
    if assessment.alerts:
        count = len(assessment.alerts)
        words.append(f"{count} alert{'s' if count != 1 else ''} above the options.")
    return " ".join(words)


def reveal(key: str, message: str, nonce: int) -> None:
    """Once the page has finished drawing, scroll the keyed block into view, move the focus
    to it and announce ``message`` in a polite live region.

    ``nonce`` changes with each submission so the script runs again; it never carries input.
    """
    script = REVEAL_SCRIPT.replace("__KEY__", json.dumps(f".st-key-{key}"))
    script = script.replace("__MESSAGE__", json.dumps(message)).replace("__NONCE__", str(nonce))
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def apply_style() -> None:
    """The app's CSS (Assess stacked on narrow screens, print without the form), and a
    watcher that lets the keyboard reach any table that still scrolls sideways."""
    st.html(STYLE_SHEET)
    st.html(f"<script>{SCROLLABLE_SCRIPT}</script>", unsafe_allow_javascript=True)
