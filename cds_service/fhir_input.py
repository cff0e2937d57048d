"""Reading the patient's inputs from a CDS Hooks prefetch of FHIR R4 resources.

Every resource is validated with fhir.resources' R4B models. The Patient gives
``age_years`` (from a full ``birthDate``); Observations give everything else:
performance status by LOINC, every other input in the project's code system
``urn:spine-metastasis:input`` with the input's field name as the code. Which
``value[x]`` an input takes follows from its kind in ``rules.patient``, so a new field
is readable here without a change. Conditions are validated and otherwise not read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from pydantic import ValidationError

from cds_service.errors import Problem
from rules import INPUT_FIELDS, Patient
from rules.patient import FieldKind, field_kind, field_spec

Model = TypeVar("Model", bound=FHIRAbstractModel)

INPUT_SYSTEM = "urn:spine-metastasis:input"
LOINC_SYSTEM = "http://loinc.org"
LOINC_INPUTS: dict[str, str] = {"89247-1": "ecog", "89243-0": "kps"}
AGE_FIELD = "age_years"
REQUIRED_FIELDS: tuple[str, ...] = tuple(
    name for name, info in Patient.model_fields.items() if info.is_required()
)
# Observations in these states say nothing about the patient.
IGNORED_STATUSES = frozenset({"entered-in-error", "cancelled"})
# The value[x] each kind of input is read from, in order of preference.
VALUE_ELEMENTS: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.CHOICE: ("valueCodeableConcept", "valueString"),
    FieldKind.BOOLEAN: ("valueBoolean",),
    FieldKind.WHOLE_NUMBER: ("valueInteger", "valueQuantity"),
    FieldKind.NUMBER: ("valueQuantity", "valueInteger"),
    FieldKind.TEXT: ("valueString",),
}
ALL_VALUE_ELEMENTS = tuple(
    name for name in Observation.model_fields if name.startswith("value") and "__" not in name
)
# The UCUM code of each unit a field spec names (a quantity may give either).
UCUM_CODES: dict[str, str] = {"years": "a", "months": "mo", "hours": "h", "g/dL": "g/dL"}


@dataclass
class PrefetchReading:
    """The raw patient inputs found in a prefetch, and the resource each came from."""

    inputs: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def missing_required(self) -> tuple[str, ...]:
        """The required inputs (level, histology) that no resource gave."""
        return tuple(name for name in REQUIRED_FIELDS if name not in self.inputs)

    def source_of(self, problem_field: str) -> str | None:
        """The resources behind a problem's field (``kps/ecog`` names two)."""
        named = [self.sources[part] for part in problem_field.split("/") if part in self.sources]
        return ", ".join(dict.fromkeys(named)) or None

    def add(self, name: str, value: object, source: str) -> None:
        """Record an input, or a problem when another resource gave it already."""
        if name in self.sources:
            self.problems.append(
                Problem(
                    resource=source,
                    field=name,
                    message=f"given again (first by {self.sources[name]}); give each input once",
                )
            )
            return
        self.inputs[name] = value
        self.sources[name] = source


def _validated(model: type[Model], data: object, where: str) -> Model | list[Problem]:
    """One resource validated as its R4B model, or the problems naming its fields."""
    expected = model.get_resource_type()
    if not isinstance(data, dict) or data.get("resourceType") != expected:
        got = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        return [
            Problem(
                resource=where, field="resourceType", message=f"expected {expected}, got {got!r}"
            )
        ]
    resource = f"{where} ({expected}/{data.get('id', '?')})"
    try:
        return model.model_validate(data)
    except ValidationError as error:
        return [
            Problem(
                resource=resource,
                field=".".join(str(part) for part in item["loc"]) or "(resource)",
                message=item["msg"],
            )
            for item in error.errors(include_url=False)
        ]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # fhir.resources fails this way on an unknown resourceType in a nested resource.
        return [
            Problem(
                resource=resource,
                field="(resource)",
                message=f"does not validate as FHIR R4B {expected}: {error!r}",
            )
        ]


def _bundle_entries(
    model: type[Model], data: object, where: str, reading: PrefetchReading
) -> list[Model]:
    """The entries of a searchset Bundle, each validated as the model."""
    if not isinstance(data, dict) or not isinstance(data.get("entry", []), list):
        reading.problems.append(
            Problem(
                resource=where, field="entry", message="expected a Bundle with a list of entries"
            )
        )
        return []
    entries: list[Any] = data.get("entry", [])
    shell = {**data, "entry": [_without_resource(entry) for entry in entries]}
    checked = _validated(Bundle, shell, where)
    if isinstance(checked, list):
        reading.problems.extend(checked)
        return []
    resources: list[Model] = []
    for number, entry in enumerate(entries):
        resource = _validated(model, entry.get("resource"), f"{where}.entry[{number}].resource")
        if isinstance(resource, list):
            reading.problems.extend(resource)
        else:
            resources.append(resource)
    return resources


def _without_resource(entry: object) -> object:
    return {k: v for k, v in entry.items() if k != "resource"} if isinstance(entry, dict) else entry


def age_in_years(birth: date, today: date) -> int:
    """Whole years from a birth date to a day."""
    had_birthday = (today.month, today.day) >= (birth.month, birth.day)
    return today.year - birth.year - (0 if had_birthday else 1)


def read_prefetch(prefetch: Mapping[str, object], today: date) -> PrefetchReading:
    """Every input the prefetched resources give, with problems naming resource and field."""
    reading = PrefetchReading()
    if prefetch.get("patient") is not None:
        patient = _validated(FhirPatient, prefetch["patient"], "prefetch.patient")
        if isinstance(patient, list):
            reading.problems.extend(patient)
        elif isinstance(patient.birthDate, date):
            # A partial birthDate (year or year-month) leaves the age unknown.
            age = age_in_years(patient.birthDate, today)
            reading.add(AGE_FIELD, age, f"Patient/{patient.id or '?'} birthDate")
    if prefetch.get("conditions") is not None:
        _bundle_entries(Condition, prefetch["conditions"], "prefetch.conditions", reading)
    if prefetch.get("observations") is not None:
        observations = _bundle_entries(
            Observation, prefetch["observations"], "prefetch.observations", reading
        )
        for observation in observations:
            _read_observation(observation, reading)
    return reading


def _input_named(observation: Observation, where: str, reading: PrefetchReading) -> str | None:
    for coding in observation.code.coding or ():
        if coding.system == LOINC_SYSTEM and coding.code in LOINC_INPUTS:
            return LOINC_INPUTS[coding.code]
        if coding.system == INPUT_SYSTEM:
            if coding.code in INPUT_FIELDS and coding.code != AGE_FIELD:
                return str(coding.code)
            reading.problems.append(
                Problem(
                    resource=where,
                    field="code.coding.code",
                    message=f"unknown input code {coding.code!r} in {INPUT_SYSTEM}; known codes: "
                    + ", ".join(name for name in INPUT_FIELDS if name != AGE_FIELD),
                )
            )
    return None


def _read_observation(observation: Observation, reading: PrefetchReading) -> None:
    where = f"Observation/{observation.id or '?'}"
    if observation.status in IGNORED_STATUSES:
        return
    name = _input_named(observation, where, reading)
    if name is None:
        return  # another test or measurement: not an input of this tool
    kind = field_kind(name)
    given = [element for element in ALL_VALUE_ELEMENTS if getattr(observation, element) is not None]
    usable = [element for element in VALUE_ELEMENTS[kind] if element in given]
    if not usable:
        expected = " or ".join(VALUE_ELEMENTS[kind])
        reading.problems.append(
            Problem(
                resource=where,
                field=f"value[x] ({name})",
                message=f"{name} is a {kind.value} input: give {expected}"
                + (f"; got {', '.join(given)}" if given else "; got no value"),
            )
        )
        return
    element = usable[0]
    value = READERS[element](getattr(observation, element))
    if element == "valueQuantity":
        unit_problem = _unit_problem(name, observation)
        if unit_problem is not None:
            reading.problems.append(
                Problem(resource=where, field="valueQuantity", message=unit_problem)
            )
            return
    reading.add(name, value, where)


def _unit_problem(name: str, observation: Observation) -> str | None:
    unit = field_spec(name).unit
    quantity = observation.valueQuantity
    if unit is None or quantity is None:
        return None
    stated = {text for text in (quantity.code, quantity.unit) if text}
    if stated and not stated & {unit, UCUM_CODES.get(unit, unit)}:
        return f"{name} is in {unit}; got {' / '.join(sorted(stated))}"
    return None


def _number(value: Decimal | None) -> object:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _code_or_text(concept: Any) -> object:
    codes = [coding.code for coding in concept.coding or () if coding.code]
    return codes[0] if codes else concept.text


READERS: dict[str, Callable[[Any], object]] = {
    "valueCodeableConcept": _code_or_text,
    "valueString": str,
    "valueBoolean": bool,
    "valueInteger": int,
    "valueQuantity": lambda quantity: _number(quantity.value),
}
