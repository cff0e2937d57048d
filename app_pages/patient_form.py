"""The patient form: a table of fields grouped as a clinician thinks, and its layout.

The field names, choices and bounds come from ``rules.Patient``; this module adds only
labels and short grading help. Widget keys equal the field names, so they double as test
handles and feed ``rules.parse_patient`` directly. ``None`` means unknown everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, get_args

import streamlit as st

from app_pages.render import escape_markdown
from rules import InputProblem, Patient
from rules.patient import KPS_RANGE_BY_ECOG, EsccGrade
from rules.scores import ESCC_DEFINITION

UNKNOWN = "unknown"
YES_NO_LABELS: dict[object, str] = {True: "yes", False: "no"}
FORM_KEY = "patient_form"
SUBMIT_KEY = "assess_submit"
PENDING_STATE_KEY = "form_requested_state"
# InputProblem.field for a problem that spans the whole input rather than one field.
WHOLE_INPUT = "(input)"


class Kind(StrEnum):
    """Which widget a field gets."""

    CHOICE = "choice"
    YES_NO = "yes_no"
    WHOLE_NUMBER = "whole_number"
    NUMBER = "number"
    TEXT = "text"


@dataclass(frozen=True)
class FieldSpec:
    """One form field: its label, how to grade it, and readable names for its choices."""

    name: str
    label: str
    help: str
    kind: Kind
    choice_labels: Mapping[object, str] = field(default_factory=dict)
    step: float | None = None
    placeholder: str | None = None

    @property
    def is_required(self) -> bool:
        """Whether the core requires the field (it cannot stay unknown)."""
        return Patient.model_fields[self.name].is_required()


@dataclass(frozen=True)
class FieldGroup:
    """A titled block of the form."""

    title: str
    caption: str
    fields: tuple[FieldSpec, ...]


KPS_WORDS: dict[object, str] = {
    100: "100 - normal, no complaints",
    90: "90 - normal activity, minor symptoms",
    80: "80 - normal activity with effort",
    70: "70 - cares for self, cannot work",
    60: "60 - needs occasional help",
    50: "50 - needs considerable help and care",
    40: "40 - disabled, needs special care",
    30: "30 - severely disabled, in hospital",
    20: "20 - very sick, active support needed",
    10: "10 - moribund",
    0: "0 - dead",
}
ECOG_WORDS: dict[object, str] = {
    0: "0 - fully active",
    1: "1 - light work only, ambulatory",
    2: "2 - self-care, no work, up over half the day",
    3: "3 - limited self-care, in bed or chair over half the day",
    4: "4 - completely disabled, confined to bed or chair",
}
FRANKEL_WORDS: dict[object, str] = {
    "A": "A - complete",
    "B": "B - sensory only",
    "C": "C - motor useless",
    "D": "D - motor useful",
    "E": "E - intact",
}
ESCC_WORDS: dict[object, str] = {
    grade.value: f"{grade.value} - {ESCC_DEFINITION[grade]}" for grade in EsccGrade
}

GROUPS: tuple[FieldGroup, ...] = (
    FieldGroup(
        title="Lesion and level",
        caption="The index lesion and what it is.",
        fields=(
            FieldSpec(
                name="case_label",
                label="Case label (optional)",
                help=(
                    "A neutral teaching label such as 'Tumour board case 3'. Never a name, "
                    "record number or date of birth: the core rejects anything that looks "
                    "like an identifier."
                ),
                kind=Kind.TEXT,
                placeholder="e.g. Teaching case 3",
            ),
            FieldSpec(
                name="level",
                label="Index level",
                help=(
                    "The vertebra treated: the level of maximal compression or the most "
                    "symptomatic lesion. Required."
                ),
                kind=Kind.CHOICE,
                placeholder="Choose a level",
            ),
            FieldSpec(
                name="histology",
                label="Primary tumour",
                help=(
                    "Histology of the primary; 'unknown primary' if it has not been found. "
                    "Required: it sets the Tokuhashi primary-site points and the defaults for "
                    "growth, radiosensitivity and vascularity."
                ),
                kind=Kind.CHOICE,
                choice_labels={"unknown_primary": "unknown primary (not yet identified)"},
                placeholder="Choose the primary",
            ),
        ),
    ),
    FieldGroup(
        title="Stability (SINS items)",
        caption="Grade each item on CT, as in Fisher 2010. Level gives the location item.",
        fields=(
            FieldSpec(
                name="pain",
                label="Pain",
                help=(
                    "Mechanical: eases lying down, or worsens on movement or loading of the "
                    "spine. Occasional: pain that is not mechanical. Pain-free: the lesion "
                    "does not hurt."
                ),
                kind=Kind.CHOICE,
                choice_labels={
                    "mechanical": "mechanical",
                    "occasional_non_mechanical": "occasional, not mechanical",
                    "pain_free": "pain-free lesion",
                },
            ),
            FieldSpec(
                name="bone_lesion",
                label="Bone lesion",
                help="Appearance of the lesion on CT: lytic, mixed lytic and blastic, or blastic.",
                kind=Kind.CHOICE,
                choice_labels={"mixed": "mixed (lytic and blastic)"},
            ),
            FieldSpec(
                name="alignment",
                label="Radiographic alignment",
                help=(
                    "Subluxation or translation; a new (de novo) kyphosis or scoliosis; or "
                    "normal alignment."
                ),
                kind=Kind.CHOICE,
                choice_labels={
                    "subluxation_translation": "subluxation / translation",
                    "de_novo_deformity": "de novo deformity (kyphosis, scoliosis)",
                },
            ),
            FieldSpec(
                name="collapse",
                label="Vertebral body collapse",
                help=(
                    "Loss of body height: more than half, less than half, no collapse but more "
                    "than half of the body involved, or none of these."
                ),
                kind=Kind.CHOICE,
                choice_labels={
                    "over_50_percent": "more than 50% collapse",
                    "under_50_percent": "less than 50% collapse",
                    "no_collapse_over_50_percent_involved": (
                        "no collapse, more than 50% of the body involved"
                    ),
                    "none": "none of these",
                },
            ),
            FieldSpec(
                name="posterolateral",
                label="Posterolateral involvement",
                help=(
                    "Fracture of, or replacement by tumour of, a facet, pedicle or "
                    "costovertebral joint: on both sides, on one side, or neither."
                ),
                kind=Kind.CHOICE,
            ),
        ),
    ),
    FieldGroup(
        title="Neurology and compression",
        caption="Examine below the level of the lesion; grade compression on MRI.",
        fields=(
            FieldSpec(
                name="frankel",
                label="Frankel grade",
                help=(
                    "A: no motor or sensory function below the lesion. B: some sensation, no "
                    "motor power. C: some motor power, of no practical use. D: useful motor "
                    "power, may walk with or without aids. E: no neurological symptoms "
                    "(abnormal reflexes may persist)."
                ),
                kind=Kind.CHOICE,
                choice_labels=FRANKEL_WORDS,
            ),
            FieldSpec(
                name="escc_grade",
                label="Bilsky ESCC grade",
                help=(
                    "Epidural spinal cord compression graded on axial T2-weighted MRI at the "
                    "level of maximal compression (Bilsky 2010)."
                ),
                kind=Kind.CHOICE,
                choice_labels=ESCC_WORDS,
            ),
            FieldSpec(
                name="compression_site",
                label="Compression site",
                help=(
                    "Where the epidural tumour presses on the cord or thecal sac on axial MRI: "
                    "from the front (body), from the back (posterior elements), or all round."
                ),
                kind=Kind.CHOICE,
                choice_labels={"circumferential": "circumferential (all round)"},
            ),
            FieldSpec(
                name="rapidly_progressive_deficit",
                label="Rapidly progressive deficit",
                help=(
                    "Neurology worsening over hours to days. If yes, involve the spine team "
                    "now: this tool is not for emergencies."
                ),
                kind=Kind.YES_NO,
                choice_labels=YES_NO_LABELS,
            ),
        ),
    ),
    FieldGroup(
        title="Oncology",
        caption="Extent of disease on staging (bone scan, PET or CT) and tumour biology.",
        fields=(
            FieldSpec(
                name="vertebral_metastases",
                label="Vertebral bodies involved",
                help="Count every vertebral body with metastasis, the index level included.",
                kind=Kind.WHOLE_NUMBER,
                step=1,
            ),
            FieldSpec(
                name="extraspinal_bone_metastases",
                label="Bone metastases outside the spine",
                help="Number of bone foci outside the spine; 0 if none.",
                kind=Kind.WHOLE_NUMBER,
                step=1,
            ),
            FieldSpec(
                name="visceral_metastases",
                label="Visceral metastases",
                help=(
                    "Metastases to major internal organs (lung, liver, kidney, brain): none, "
                    "removable (treatable), or unremovable."
                ),
                kind=Kind.CHOICE,
                choice_labels={
                    "removable": "removable (treatable)",
                    "unremovable": "unremovable (untreatable)",
                },
            ),
            FieldSpec(
                name="primary_growth",
                label="Primary growth rate (Tomita)",
                help=(
                    "Leave unknown to use the rate the Tomita score gives for this histology; "
                    "set it to override."
                ),
                kind=Kind.CHOICE,
            ),
            FieldSpec(
                name="radiosensitivity",
                label="Radiosensitivity",
                help=(
                    "Expected response to conventional external-beam radiotherapy. Leave "
                    "unknown to use the default for the histology, where there is one."
                ),
                kind=Kind.CHOICE,
            ),
            FieldSpec(
                name="hypervascular",
                label="Hypervascular tumour",
                help=(
                    "A tumour expected to bleed heavily at surgery. Leave unknown to use the "
                    "default for the histology, where there is one."
                ),
                kind=Kind.YES_NO,
                choice_labels=YES_NO_LABELS,
            ),
        ),
    ),
    FieldGroup(
        title="Fitness and wound healing",
        caption="Give KPS or ECOG; if you give both they must agree.",
        fields=(
            FieldSpec(
                name="kps",
                label="Karnofsky performance status (KPS)",
                help=(
                    "Give KPS or ECOG; if both, they must agree under the conventional table ("
                    + ", ".join(
                        f"ECOG {ecog} = KPS {min(kps)}-{max(kps)}"
                        for ecog, kps in KPS_RANGE_BY_ECOG.items()
                    )
                    + ")."
                ),
                kind=Kind.CHOICE,
                choice_labels=KPS_WORDS,
            ),
            FieldSpec(
                name="ecog",
                label="ECOG performance status",
                help="ECOG (WHO, Zubrod) 0-4. Used when KPS is not given.",
                kind=Kind.CHOICE,
                choice_labels=ECOG_WORDS,
            ),
            FieldSpec(
                name="prior_radiation",
                label="Radiotherapy to the operative field",
                help=Patient.model_fields["prior_radiation"].description or "",
                kind=Kind.CHOICE,
            ),
            FieldSpec(
                name="cachexia",
                label="Cachexia",
                help="Clinically evident loss of weight and muscle mass.",
                kind=Kind.YES_NO,
                choice_labels=YES_NO_LABELS,
            ),
            FieldSpec(
                name="albumin_g_dl",
                label="Serum albumin (g/dL)",
                help="Most recent serum albumin in g/dL (divide g/L by 10).",
                kind=Kind.NUMBER,
                step=0.1,
            ),
            FieldSpec(
                name="expected_survival_months",
                label="Expected survival (months)",
                help=(
                    "Your own estimate, e.g. the oncologist's. Leave unknown and the tool uses "
                    "the revised Tokuhashi band where it is settled."
                ),
                kind=Kind.NUMBER,
                step=1.0,
            ),
        ),
    ),
)

FIELDS: dict[str, FieldSpec] = {spec.name: spec for group in GROUPS for spec in group.fields}


def field_label(name: str) -> str:
    """The form label of a field, or the field name itself for anything else."""
    spec = FIELDS.get(name)
    return spec.label if spec else name


def _enum_of(name: str) -> type[Enum] | None:
    annotation = Patient.model_fields[name].annotation
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return candidate
    return None


def constraint(name: str, attribute: str) -> Any:
    """A constraint of a field as declared on the model (``ge``, ``le``, ``max_length``...)."""
    for item in Patient.model_fields[name].metadata:
        value = getattr(item, attribute, None)
        if value is not None:
            return value
    return None


def bounds(name: str) -> tuple[float | None, float | None]:
    """Inclusive (min, max) of a numeric field, read from the model's constraints."""
    return constraint(name, "ge"), constraint(name, "le")


def choices(spec: FieldSpec) -> tuple[object, ...]:
    """The values a choice field offers, "unknown" first for optional fields."""
    if spec.kind is Kind.YES_NO:
        values: tuple[object, ...] = (True, False)
    else:
        enum = _enum_of(spec.name)
        if enum is not None:
            values = tuple(member.value for member in enum)
        else:
            low, high = bounds(spec.name)
            step = constraint(spec.name, "multiple_of")
            if low is None or high is None:
                raise ValueError(f"{spec.name}: a choice field needs an enum or bounds")
            stride = int(step) if step else 1
            values = tuple(range(int(high), int(low) - 1, -stride))
    return values if spec.is_required else (UNKNOWN, *values)


def choice_label(spec: FieldSpec) -> Callable[[object], str]:
    """How a choice is shown: its label, else its value with underscores as spaces."""

    def label(value: object) -> str:
        if value is None or value == UNKNOWN:
            return UNKNOWN
        if value in spec.choice_labels:
            return spec.choice_labels[value]
        return str(value).replace("_", " ")

    return label


def default_value(spec: FieldSpec) -> object:
    """What a fresh form holds: "unknown", no choice yet (required), empty, or no number."""
    if spec.kind is Kind.TEXT:
        return ""
    if spec.kind in (Kind.CHOICE, Kind.YES_NO) and not spec.is_required:
        return UNKNOWN
    return None


def default_state() -> dict[str, object]:
    """Every widget at its default."""
    return {name: default_value(spec) for name, spec in FIELDS.items()}


def form_values(state: Mapping[str, object]) -> dict[str, object]:
    """The known fields of the form as input for ``rules.parse_patient``; unknowns left out."""
    values: dict[str, object] = {}
    for name, spec in FIELDS.items():
        value = state.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        if spec.kind in (Kind.CHOICE, Kind.YES_NO) and value == UNKNOWN:
            value = None
        if value is not None:
            values[name] = value
    return values


def patient_state(patient: Patient) -> dict[str, object]:
    """Widget state showing a patient (for loading a saved or example case)."""
    dumped = patient.model_dump(mode="json")
    state = default_state()
    state.update({name: value for name, value in dumped.items() if value is not None})
    return state


def problems_by_field(problems: Sequence[InputProblem]) -> dict[str, list[str]]:
    """Problem messages keyed by form field; a problem naming two fields goes under both."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        names = [name for name in problem.field.split("/") if name in FIELDS] or [WHOLE_INPUT]
        for name in names:
            found.setdefault(name, []).append(problem.message)
    return found


def problem_sentence(problem: InputProblem) -> str:
    """One problem in words, naming the field by its label and its key."""
    message = escape_markdown(problem.message)
    names = [name for name in problem.field.split("/") if name in FIELDS]
    if not names:
        return f"The input: {message}"
    labels = " and ".join(f"**{field_label(name)}** (`{name}`)" for name in names)
    return f"{labels}: {message}"


# --- layout -------------------------------------------------------------------------------


def widget_key(name: str, key_prefix: str = "") -> str:
    """The widget key of a field: its name, after the form's prefix (none on Assess)."""
    return f"{key_prefix}{name}"


def form_state(key_prefix: str = "") -> dict[str, object]:
    """What the form's widgets hold now, keyed by field name."""
    return {name: st.session_state.get(widget_key(name, key_prefix)) for name in FIELDS}


def set_form_state(state: Mapping[str, object], key_prefix: str = "") -> None:
    """Put values into the form's widgets (fields missing from ``state`` go to their default).

    Call it before the widgets are drawn, or from a widget callback.
    """
    for name, value in default_state().items():
        st.session_state[widget_key(name, key_prefix)] = state.get(name, value)


def request_form_state(state: Mapping[str, object], key_prefix: str = "") -> None:
    """Ask the form to show these values when its page next draws it (e.g. from another page)."""
    st.session_state[widget_key(PENDING_STATE_KEY, key_prefix)] = dict(state)


def apply_requested_state(key_prefix: str = "") -> dict[str, object] | None:
    """Put a requested state into the widgets before they are drawn; return it, if any."""
    requested: dict[str, object] | None = st.session_state.pop(
        widget_key(PENDING_STATE_KEY, key_prefix), None
    )
    if requested is not None:
        set_form_state(requested, key_prefix)
    return requested


def _widget(spec: FieldSpec, key_prefix: str = "") -> None:
    key = widget_key(spec.name, key_prefix)
    if spec.kind in (Kind.CHOICE, Kind.YES_NO):
        st.selectbox(
            spec.label,
            choices(spec),
            index=None,
            format_func=choice_label(spec),
            key=key,
            help=spec.help,
            placeholder=spec.placeholder,
        )
    elif spec.kind in (Kind.WHOLE_NUMBER, Kind.NUMBER):
        low, high = bounds(spec.name)
        whole = spec.kind is Kind.WHOLE_NUMBER
        st.number_input(
            spec.label,
            min_value=None if low is None else (int(low) if whole else float(low)),
            max_value=None if high is None else (int(high) if whole else float(high)),
            value=None,
            step=int(spec.step or 1) if whole else spec.step,
            format=None if whole else "%.1f",
            key=key,
            help=spec.help,
            placeholder=UNKNOWN,
        )
    else:
        st.text_input(
            spec.label,
            max_chars=constraint(spec.name, "max_length"),
            key=key,
            help=spec.help,
            placeholder=spec.placeholder,
        )


def seed_widget_state(saved: Mapping[str, object] | None, key_prefix: str = "") -> None:
    """Give every widget its value before it is drawn: the last submitted one, else the default.

    Streamlit drops the state of widgets that were not drawn (e.g. after visiting another
    page); re-seeding keeps the form in step with the result shown beside it.
    """
    defaults = default_state()
    for name, value in defaults.items():
        key = widget_key(name, key_prefix)
        if key not in st.session_state:
            st.session_state[key] = saved.get(name, value) if saved else value


def patient_fields(problems: Sequence[InputProblem], key_prefix: str = "") -> None:
    """Draw the grouped fields with each field's problems under them (inside a form)."""
    by_field = problems_by_field(problems)
    for sentence in by_field.get(WHOLE_INPUT, []):
        st.error(f"The input: {escape_markdown(sentence)}", icon=":material/error:")
    for group in GROUPS:
        st.subheader(group.title, divider="gray")
        st.caption(group.caption)
        columns = st.columns(2)
        for index, spec in enumerate(group.fields):
            with columns[index % 2]:
                _widget(spec, key_prefix)
                for message in by_field.get(spec.name, []):
                    st.error(
                        f"**{spec.label}** (`{spec.name}`): {escape_markdown(message)}",
                        icon=":material/error:",
                    )


def patient_form(
    problems: Sequence[InputProblem],
    on_submit: Callable[[], None],
    submit_label: str = "Assess",
    key_prefix: str = "",
) -> None:
    """Draw the grouped form with each field's problems under it.

    ``key_prefix`` keeps a second form on another page from sharing the Assess widgets.
    """
    with st.form(widget_key(FORM_KEY, key_prefix), enter_to_submit=False):
        patient_fields(problems, key_prefix)
        st.form_submit_button(
            submit_label,
            type="primary",
            key=widget_key(SUBMIT_KEY, key_prefix),
            on_click=on_submit,
            icon=":material/stethoscope:",
        )
