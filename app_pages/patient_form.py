"""The patient form, derived from the field specs declared on ``rules.Patient``.

Groups, labels, help, choice labels, placeholders and the widget for each field all
come from ``rules.patient``: this module only lays them out. Widget keys equal the field
names, so they double as test handles and feed ``rules.parse_patient`` directly.
``None`` means unknown everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from rules import INPUT_FIELDS, InputProblem, Patient
from rules.markdown import escape_markdown
from rules.patient import (
    FieldKind,
    FieldSpec,
    FormGroup,
    field_choices,
    field_constraint,
    field_kind,
    field_spec,
    whole_number_values,
)

UNKNOWN = "unknown"
FORM_KEY = "patient_form"
SUBMIT_KEY = "assess_submit"
PENDING_STATE_KEY = "form_requested_state"
# InputProblem.field for a problem that spans the whole input rather than one field.
WHOLE_INPUT = "(input)"
# The widget a field gets is the field's kind, as the core reads it from the type.
Kind = FieldKind
# Presentation only: a line under each block's title saying how to grade it.
GROUP_CAPTIONS: dict[FormGroup, str] = {
    FormGroup.CASE: "The index lesion and what it is.",
    FormGroup.NEUROLOGIC: "Examine below the level of the lesion; grade compression on MRI.",
    FormGroup.ONCOLOGIC: "Tissue, extent of disease on staging and tumour biology.",
    FormGroup.MECHANICAL: (
        "Grade each SINS item on CT (Fisher 2010), or give the total if that is what you have."
    ),
    FormGroup.SYSTEMIC: "Give KPS or ECOG; if you give both they must agree.",
}
# A number field spanning at most this much (albumin, 1-6 g/dL) steps by FINE_STEP.
NARROW_SPAN = 10
FINE_STEP = 0.1


@dataclass(frozen=True)
class FormField:
    """One input field as the form draws it: its name and the spec declared on the model."""

    name: str
    spec: FieldSpec

    @property
    def label(self) -> str:
        """The label declared on the model."""
        return self.spec.label

    @property
    def help(self) -> str:
        """How to grade it, with the unit when it has one."""
        unit = f" Unit: {self.spec.unit}." if self.spec.unit else ""
        return f"{self.spec.help}{unit}".strip()

    @property
    def kind(self) -> FieldKind:
        """Which widget: a choice (or a small bounded whole number), yes/no, number or text."""
        return field_kind(self.name)

    @property
    def choice_labels(self) -> Mapping[object, str]:
        """Readable names of the raw values."""
        return self.spec.choice_labels

    @property
    def placeholder(self) -> str | None:
        """What an empty widget shows."""
        return self.spec.placeholder

    @property
    def is_required(self) -> bool:
        """Whether the core requires the field (it cannot stay unknown)."""
        return Patient.model_fields[self.name].is_required()

    @property
    def is_select(self) -> bool:
        """Drawn as a select box: choices, yes/no and small bounded whole numbers (KPS, ASA)."""
        return self.kind in (FieldKind.CHOICE, FieldKind.BOOLEAN) or (
            whole_number_values(self.name) is not None
        )

    @property
    def step(self) -> float | None:
        """The number input's step: the declared multiple, else 1 (albumin: 0.1)."""
        declared = field_constraint(self.name, "multiple_of")
        if declared:
            return float(declared)
        low, high = bounds(self.name)
        narrow = low is not None and high is not None and high - low <= NARROW_SPAN
        return FINE_STEP if self.kind is FieldKind.NUMBER and narrow else 1.0


@dataclass(frozen=True)
class FieldGroup:
    """A titled block of the form, in NOMS order."""

    group: FormGroup
    fields: tuple[FormField, ...]

    @property
    def title(self) -> str:
        """The block's title."""
        return self.group.value

    @property
    def caption(self) -> str:
        """How to grade the block."""
        return GROUP_CAPTIONS[self.group]


FIELDS: dict[str, FormField] = {name: FormField(name, field_spec(name)) for name in INPUT_FIELDS}
GROUPS: tuple[FieldGroup, ...] = tuple(
    FieldGroup(group, tuple(f for f in FIELDS.values() if f.spec.group is group))
    for group in FormGroup
)


def field_label(name: str) -> str:
    """The form label of a field, or the field name itself for anything else."""
    spec = FIELDS.get(name)
    return spec.label if spec else name


def bounds(name: str) -> tuple[float | None, float | None]:
    """Inclusive (min, max) of a numeric field, read from the model's constraints."""
    return field_constraint(name, "ge"), field_constraint(name, "le")


def choices(spec: FormField) -> tuple[object, ...]:
    """The values a select offers, "unknown" first for optional fields.

    Graded whole numbers follow the order of their declared labels (KPS 100 down to 0).
    """
    values: tuple[object, ...]
    if spec.kind is FieldKind.BOOLEAN:
        values = (True, False)
    elif spec.kind is FieldKind.CHOICE:
        values = tuple(member.value for member in field_choices(spec.name) or ())
    else:
        numbers = whole_number_values(spec.name)
        if numbers is None:
            raise ValueError(f"{spec.name}: not a select field")
        labelled = [value for value in spec.choice_labels if value in numbers]
        values = tuple(labelled) if len(labelled) == len(numbers) else tuple(numbers)
    return values if spec.is_required else (UNKNOWN, *values)


def choice_label(spec: FormField) -> Callable[[object], str]:
    """How a choice is shown: its declared label, else its value with underscores as spaces."""

    def label(value: object) -> str:
        if value is None or value == UNKNOWN:
            return UNKNOWN
        if value in spec.choice_labels:
            return spec.choice_labels[value]
        return str(value).replace("_", " ")

    return label


def default_value(spec: FormField) -> object:
    """What a fresh form holds: "unknown", no choice yet (required), empty, or no number."""
    if spec.kind is FieldKind.TEXT:
        return ""
    if spec.is_select and not spec.is_required:
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
        if spec.is_select and value == UNKNOWN:
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


def _widget(spec: FormField, key_prefix: str = "") -> None:
    key = widget_key(spec.name, key_prefix)
    if spec.is_select:
        st.selectbox(
            spec.label,
            choices(spec),
            index=None,
            format_func=choice_label(spec),
            key=key,
            help=spec.help,
            placeholder=spec.placeholder,
        )
    elif spec.kind in (FieldKind.WHOLE_NUMBER, FieldKind.NUMBER):
        low, high = bounds(spec.name)
        whole = spec.kind is FieldKind.WHOLE_NUMBER
        st.number_input(
            spec.label,
            min_value=None if low is None else (int(low) if whole else float(low)),
            max_value=None if high is None else (int(high) if whole else float(high)),
            value=None,
            step=int(spec.step or 1) if whole else spec.step,
            format=None if whole else "%.1f",
            key=key,
            help=spec.help,
            placeholder=spec.placeholder or UNKNOWN,
        )
    else:
        st.text_input(
            spec.label,
            max_chars=field_constraint(spec.name, "max_length"),
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


def patient_fields(
    problems: Sequence[InputProblem], key_prefix: str = "", nested: bool = False
) -> None:
    """Draw the grouped fields with each field's problems under them (inside a form).

    Group titles are h2, or h3 when ``nested`` under a heading of their own (Compare's
    scenarios), so headings never skip a level.
    """
    by_field = problems_by_field(problems)
    for sentence in by_field.get(WHOLE_INPUT, []):
        st.error(f"The input: {escape_markdown(sentence)}", icon=":material/error:")
    for group in GROUPS:
        heading = st.subheader if nested else st.header
        heading(group.title, divider="gray", anchor=False)
        st.caption(group.caption)
        # One field per row: graded choices ("C - motor useless") stay readable in full.
        for spec in group.fields:
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
