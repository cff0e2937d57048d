"""The rule table: needs, verdict ceilings and floors, reasons and alerts as typed rows.

Every row has a literal id, a condition (clauses over ``rules.facts.Fact``, all
of which must hold), one effect, a text and the curated evidence it rests on.
The table is checked when this module is imported: a clause value that its fact
can never take, an unknown evidence id, a duplicate id, a row without evidence
or resting only on an unresolved record, or a threshold placeholder that names
no constant fails at once, naming the row. How rows become an answer is
``rules.engine``.
"""

from __future__ import annotations

import string
from collections.abc import Collection
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from evidence import Verification, registry
from rules.facts import (
    FACT_VALUES,
    THRESHOLDS,
    AsaBand,
    CementCandidacy,
    DecompressingRoutes,
    DecompressionNeed,
    EsccClass,
    Fact,
    FactValues,
    Fitness,
    FrankelGroup,
    PerformanceBand,
    Region,
    SinsBand,
    StabilisationNeed,
    SurvivalBand,
    TrialFit,
    TumourClass,
)
from rules.patient import (
    Alignment,
    Collapse,
    CompressionSite,
    Frankel,
    Level,
    Pain,
    Posterolateral,
    PriorRadiation,
)


class Approach(StrEnum):
    """The seven options the tool always weighs."""

    NON_OPERATIVE = "non_operative"
    VERTEBRAL_AUGMENTATION = "vertebral_augmentation"
    PERCUTANEOUS_STABILISATION = "percutaneous_stabilisation"
    ENDOSCOPIC_TRANSPEDICULAR = "endoscopic_transpedicular"
    POSTERIOR_ONLY = "posterior_only"
    PERCUTANEOUS_POSTERIOR_FIXATION = "percutaneous_posterior_fixation"
    ANTERIOR_ANTEROLATERAL = "anterior_anterolateral"


APPROACH_LABELS: dict[Approach, str] = {
    Approach.NON_OPERATIVE: "Non-operative care (radiotherapy, systemic and supportive care)",
    Approach.VERTEBRAL_AUGMENTATION: "Vertebral augmentation (vertebroplasty or kyphoplasty)",
    Approach.PERCUTANEOUS_STABILISATION: "Percutaneous stabilisation (screws, no decompression)",
    Approach.ENDOSCOPIC_TRANSPEDICULAR: "Endoscopic transpedicular decompression",
    Approach.POSTERIOR_ONLY: "Posterior-only approach (decompression, central cage, fusion)",
    Approach.PERCUTANEOUS_POSTERIOR_FIXATION: (
        "Percutaneous posterior fixation with an anterior or lateral corpectomy"
    ),
    Approach.ANTERIOR_ANTEROLATERAL: "Anterior / anterolateral approach",
}
APPROACH_SHORT_LABELS: dict[Approach, str] = {
    Approach.NON_OPERATIVE: "Non-operative care",
    Approach.VERTEBRAL_AUGMENTATION: "Vertebral augmentation",
    Approach.PERCUTANEOUS_STABILISATION: "Percutaneous stabilisation",
    Approach.ENDOSCOPIC_TRANSPEDICULAR: "Endoscopic transpedicular",
    Approach.POSTERIOR_ONLY: "Posterior-only",
    Approach.PERCUTANEOUS_POSTERIOR_FIXATION: "Percutaneous fixation + corpectomy",
    Approach.ANTERIOR_ANTEROLATERAL: "Anterior / anterolateral",
}
# Least invasive first: the last tie-break, and a tie it decides makes the result provisional.
INVASIVENESS_ORDER: tuple[Approach, ...] = tuple(Approach)
OPERATIONS: tuple[Approach, ...] = tuple(a for a in Approach if a is not Approach.NON_OPERATIVE)
OPEN_MAJOR: tuple[Approach, ...] = (
    Approach.POSTERIOR_ONLY,
    Approach.ANTERIOR_ANTEROLATERAL,
    Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
)
DECOMPRESSING: tuple[Approach, ...] = (*OPEN_MAJOR, Approach.ENDOSCOPIC_TRANSPEDICULAR)
STABILISING: tuple[Approach, ...] = (*OPEN_MAJOR, Approach.PERCUTANEOUS_STABILISATION)
CEMENTING: tuple[Approach, ...] = (Approach.VERTEBRAL_AUGMENTATION,)


class Verdict(StrEnum):
    """What the tool says about one option, best first."""

    SUGGESTED = "suggested"
    CONSIDER = "consider"
    CAUTION = "caution"
    NOT_SUGGESTED = "not_suggested"
    OUT_OF_SCOPE = "out_of_scope"


VERDICT_RANK: dict[Verdict, int] = {verdict: -index for index, verdict in enumerate(Verdict)}


class Direction(StrEnum):
    """Whether a reason speaks for or against an option, or only informs."""

    FOR = "for"
    AGAINST = "against"
    NOTE = "note"


class Stance(StrEnum):
    """Direction and strength as one valid pair."""

    FOR_MAJOR = "for_major"
    FOR_STRONG = "for_strong"
    FOR_SUPPORTING = "for_supporting"
    NOTE = "note"
    AGAINST_SUPPORTING = "against_supporting"
    AGAINST_STRONG = "against_strong"
    AGAINST_MAJOR = "against_major"

    @property
    def direction(self) -> Direction:
        """For, against or note."""
        if self is Stance.NOTE:
            return Direction.NOTE
        return Direction.FOR if self.value.startswith("for") else Direction.AGAINST

    @property
    def weight(self) -> int:
        """Signed weight: supporting 1, strong 2, major 3; notes 0."""
        size = {"supporting": 1, "strong": 2, "major": 3}.get(self.value.split("_")[-1], 0)
        return -size if self.direction is Direction.AGAINST else size


class AlertLevel(StrEnum):
    """How urgent an alert is."""

    EMERGENCY = "emergency"
    WARNING = "warning"
    INFO = "info"


class Test(StrEnum):
    """How a clause tests its fact."""

    TRUE = "true"
    FALSE = "false"
    NOT_TRUE = "not_true"
    ONE_OF = "one_of"
    NOT_KNOWN_ONE_OF = "not_known_one_of"
    UNKNOWN = "unknown"


class Clause(BaseModel):
    """One test of one fact; its values must be values the fact can take."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fact: Fact
    test: Test
    values: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _values_are_possible(self) -> Self:
        domain = FACT_VALUES[self.fact]
        if domain is bool:
            if self.test in (Test.ONE_OF, Test.NOT_KNOWN_ONE_OF):
                raise ValueError(f"{self.fact} is true/false: test it with true/false/not_true")
        else:
            if self.test in (Test.TRUE, Test.FALSE, Test.NOT_TRUE):
                raise ValueError(f"{self.fact} is a choice: test it with one_of")
            allowed = {member.value for member in domain}
            wrong = [value for value in self.values if value not in allowed]
            if wrong or (self.test in (Test.ONE_OF, Test.NOT_KNOWN_ONE_OF) and not self.values):
                raise ValueError(
                    f"{self.fact} can never be {', '.join(wrong) or 'nothing'}; "
                    f"it takes {', '.join(sorted(allowed))}"
                )
        return self

    def holds(self, facts: FactValues) -> bool:
        """True only when the fact settles the test (``not_true`` and ``unknown`` aside)."""
        return satisfies(facts.get(self.fact), self.test, self.values)

    def in_words(self) -> str:
        """The clause as it reads in the rule book."""
        name = self.fact.value.replace("_", " ")
        if self.test is Test.TRUE:
            return name
        if self.test is Test.FALSE:
            return f"not {name}"
        if self.test is Test.NOT_TRUE:
            return f"not known that {name}"
        if self.test is Test.UNKNOWN:
            return f"{name} unknown"
        values = " or ".join(v.replace("_", " ") for v in self.values)
        if self.test is Test.NOT_KNOWN_ONE_OF:
            return f"not known that {name} is {values}"
        return f"{name} is {values}"


def satisfies(value: object, test: Test, values: Collection[str]) -> bool:
    """What each test means for a fact's value (``None`` is unknown)."""
    if test is Test.ONE_OF:
        return value is not None and value in values
    if test is Test.TRUE:
        return value is True
    if test is Test.FALSE:
        return value is False
    if test is Test.NOT_TRUE:
        return value is not True
    if test is Test.NOT_KNOWN_ONE_OF:
        return value is None or value not in values
    return value is None


def true(fact: Fact) -> Clause:
    """The fact is settled as true."""
    return Clause(fact=fact, test=Test.TRUE)


def false(fact: Fact) -> Clause:
    """The fact is settled as false."""
    return Clause(fact=fact, test=Test.FALSE)


def not_true(fact: Fact) -> Clause:
    """The fact is false or unknown."""
    return Clause(fact=fact, test=Test.NOT_TRUE)


def not_known_one_of(fact: Fact, *values: StrEnum) -> Clause:
    """The fact is unknown, or known and none of the values."""
    return Clause(fact=fact, test=Test.NOT_KNOWN_ONE_OF, values=tuple(v.value for v in values))


def unknown(fact: Fact) -> Clause:
    """The inputs do not settle the fact."""
    return Clause(fact=fact, test=Test.UNKNOWN)


def one_of(fact: Fact, *values: StrEnum) -> Clause:
    """The fact is known and is one of the values."""
    return Clause(fact=fact, test=Test.ONE_OF, values=tuple(v.value for v in values))


class SetsNeed(BaseModel):
    """Sets a need; of a need's rows, the first that holds decides."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["need"] = "need"
    need: Fact
    value: str

    @model_validator(mode="after")
    def _value_is_possible(self) -> Self:
        domain = FACT_VALUES[self.need]
        if domain is bool or self.value not in {m.value for m in domain}:
            raise ValueError(f"need {self.need} can never be {self.value}")
        return self


class CapsVerdict(BaseModel):
    """The best verdict these options may have; the lowest ceiling that holds wins."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["ceiling"] = "ceiling"
    code: str
    options: tuple[Approach, ...] = Field(min_length=1)
    verdict: Verdict
    ranks_below: Approach | None = None


class FloorsVerdict(BaseModel):
    """The worst verdict an option may have (a ceiling still wins); ``first`` puts it first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["floor"] = "floor"
    code: str
    option: Approach
    verdict: Verdict
    first: bool = False


class GivesReason(BaseModel):
    """A reason for or against one option, or a note on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["reason"] = "reason"
    option: Approach
    stance: Stance


class RaisesAlert(BaseModel):
    """Something to read before the options; alerts show in table order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["alert"] = "alert"
    code: str
    level: AlertLevel


Effect = Annotated[
    SetsNeed | CapsVerdict | FloorsVerdict | GivesReason | RaisesAlert, Field(discriminator="kind")
]
_PLACEHOLDERS = string.Formatter()


class Rule(BaseModel):
    """One row of the table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: tuple[Clause, ...] = ()
    effect: Effect
    text: str
    evidence: tuple[str, ...] = Field(min_length=1)
    panel_convention: bool = False

    @model_validator(mode="before")
    @classmethod
    def _fill_thresholds(cls, data: object) -> object:
        """Fill ``{NAME}`` placeholders from the named constants; an unknown name fails."""
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            names = [name for _, name, _, _ in _PLACEHOLDERS.parse(data["text"]) if name]
            unknown_names = [name for name in names if name not in THRESHOLDS]
            if unknown_names:
                raise ValueError(
                    f"rule {data.get('id')}: text names no constant {', '.join(unknown_names)}"
                )
            values = {name: f"{THRESHOLDS[name]:g}" for name in names}
            data = {**data, "text": data["text"].format(**values)}
        return data

    @model_validator(mode="after")
    def _evidence_is_curated(self) -> Self:
        references = registry()
        missing = [ref for ref in self.evidence if ref not in references]
        if missing:
            raise ValueError(f"rule {self.id}: unknown evidence {', '.join(missing)}")
        if all(references[ref].verification is Verification.UNRESOLVED for ref in self.evidence):
            raise ValueError(f"rule {self.id}: rests only on unresolved records")
        return self

    def applies(self, facts: FactValues) -> bool:
        """Whether every clause holds."""
        return all(clause.holds(facts) for clause in self.when)

    def condition_in_words(self) -> str:
        """The whole condition in words."""
        return " and ".join(c.in_words() for c in self.when) if self.when else "always"


def check_table(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """Refuse a table with repeated ids, a need without a closing default, or a bad pair."""
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ValueError(f"rule id {rule.id} appears twice")
        seen.add(rule.id)
    for need in (Fact.FITNESS, Fact.DECOMPRESSION, Fact.STABILISATION, Fact.CEMENT_CANDIDATE):
        rows = [r for r in rules if isinstance(r.effect, SetsNeed) and r.effect.need is need]
        if not rows or rows[-1].when:
            raise ValueError(f"need {need}: the last row must hold always (the default)")
    for rule in rules:
        if isinstance(rule.effect, FloorsVerdict) and rule.effect.verdict is Verdict.OUT_OF_SCOPE:
            raise ValueError(f"rule {rule.id}: a floor cannot be out of scope")
    _check_one_role(rules)
    return rules


def _check_one_role(rules: tuple[Rule, ...]) -> None:
    """No fact value is a reason both for and against the same option."""
    seen: dict[tuple[Approach, Clause], Direction] = {}
    for rule in rules:
        if not isinstance(rule.effect, GivesReason) or rule.effect.stance is Stance.NOTE:
            continue
        for clause in rule.when:
            key = (rule.effect.option, clause)
            earlier = seen.setdefault(key, rule.effect.stance.direction)
            if earlier is not rule.effect.stance.direction:
                raise ValueError(
                    f"rule {rule.id}: '{clause.in_words()}' is already a reason "
                    f"{earlier.value} {rule.effect.option.value}"
                )


A = Approach
F = Fact
V = Verdict
S = Stance
D = DecompressionNeed
URGENT_OR_INDICATED = (D.URGENT, D.INDICATED)
CORD_CONTACT_OR_MORE = (EsccClass.CORD_CONTACT, EsccClass.HIGH_GRADE)
ANY_ESCC = tuple(EsccClass)
PATCHELL_FIGURES = (
    "In the randomised trial, decompression plus radiotherapy left 84% walking against 57% "
    "after radiotherapy alone, and 62% against 19% of those unable to walk walked again"
)
SYSTEMIC_RISK_TEXT = (
    "Albumin under {LOW_ALBUMIN_BELOW_G_DL} g/dL or cachexia raises the systemic risk of open "
    "surgery: albumin and functional status predicted 30-day mortality, and albumin predicted "
    "survival after surgery. No wound effect is claimed from it."
)
SYSTEMIC_RISK_EVIDENCE = ("karhade_30day_mortality_nsqip_ml", "ghori2015_nesms_development")
DORSAL_TEXT = (
    "The compression is dorsal; a corpectomy from the front or side is aimed at the vertebral "
    "body and does not reach it (anatomical reasoning: panel convention, no curated record)."
)


def _need(need: Fact, value: StrEnum) -> SetsNeed:
    return SetsNeed(need=need, value=value.value)


# The time-critical alert's condition in words, shared by its two wordings.
TIME_CRITICAL = (
    "Time critical: a deficit under {ACUTE_DEFICIT_MAX_HOURS} hours old, rapidly progressing, "
    "or complete and of unknown duration (presumed acute)"
)

RULES: tuple[Rule, ...] = check_table(
    (
        # === Fitness (systemic): the first row that holds decides ========================
        Rule(
            id="fitness_moribund_by_performance",
            when=(one_of(F.PERFORMANCE, PerformanceBand.MORIBUND),),
            effect=_need(F.FITNESS, Fitness.MORIBUND),
            text="KPS {MORIBUND_MAX_KPS} or less (ECOG 4)",
            evidence=("oken1982_ecog", "alcorn2024_astro_bone_metastases_ebrt"),
        ),
        Rule(
            id="fitness_moribund_by_estimate",
            when=(one_of(F.SURVIVAL, SurvivalBand.UNDER_1_MONTH),),
            effect=_need(F.FITNESS, Fitness.MORIBUND),
            text="expected survival under {MORIBUND_BELOW_MONTHS} month",
            evidence=("alcorn2024_astro_bone_metastases_ebrt",),
        ),
        Rule(
            id="fitness_unfit_by_clinician",
            when=(false(F.FIT_FOR_OPEN_SURGERY),),
            effect=_need(F.FITNESS, Fitness.UNFIT),
            text="the clinician judges the patient unfit for open surgery (override)",
            evidence=("laufer2013_noms",),
        ),
        Rule(
            id="fitness_fit_by_clinician",
            when=(true(F.FIT_FOR_OPEN_SURGERY),),
            effect=_need(F.FITNESS, Fitness.FIT),
            text="the clinician judges the patient fit for open surgery (override)",
            evidence=("laufer2013_noms",),
        ),
        Rule(
            id="fitness_unfit_by_performance",
            when=(one_of(F.PERFORMANCE, PerformanceBand.UNFIT),),
            effect=_need(F.FITNESS, Fitness.UNFIT),
            text="KPS 30-{UNFIT_MAX_KPS} (ECOG 3)",
            evidence=("karhade_30day_mortality_nsqip_ml", "ma2010_kps_ecog_pps_interconversion"),
        ),
        Rule(
            id="fitness_unfit_by_asa",
            when=(one_of(F.ASA_BAND, AsaBand.ASA_4_5),),
            effect=_need(F.FITNESS, Fitness.UNFIT),
            text="ASA {UNFIT_MIN_ASA}-5 (threshold: panel convention)",
            evidence=("karhade_30day_mortality_nsqip_ml",),
            panel_convention=True,
        ),
        Rule(
            id="fitness_unfit_by_short_survival",
            when=(one_of(F.SURVIVAL, SurvivalBand.MONTHS_1_TO_3),),
            effect=_need(F.FITNESS, Fitness.UNFIT),
            text="expected survival under {TRIAL_MIN_MONTHS} months (the trial's lower limit)",
            evidence=("patchell2005_rct",),
        ),
        Rule(
            id="fitness_unfit_by_cachexia_and_survival",
            when=(true(F.HAS_CACHEXIA), one_of(F.SURVIVAL, SurvivalBand.MONTHS_3_TO_6)),
            effect=_need(F.FITNESS, Fitness.UNFIT),
            text="cachexia with expected survival under {CACHEXIA_UNFIT_BELOW_MONTHS} months",
            evidence=("delagarzaramos_mstfi_frailty_index",),
        ),
        Rule(
            id="fitness_higher_risk_by_performance",
            when=(one_of(F.PERFORMANCE, PerformanceBand.HIGHER_RISK),),
            effect=_need(F.FITNESS, Fitness.HIGHER_RISK),
            text="KPS 50-{HIGHER_RISK_MAX_KPS} (ECOG 2)",
            evidence=("karhade_30day_mortality_nsqip_ml",),
        ),
        Rule(
            id="fitness_higher_risk_by_asa",
            when=(one_of(F.PERFORMANCE, PerformanceBand.FIT), one_of(F.ASA_BAND, AsaBand.ASA_3)),
            effect=_need(F.FITNESS, Fitness.HIGHER_RISK),
            text="ASA {HIGHER_RISK_ASA}",
            evidence=("karhade_30day_mortality_nsqip_ml",),
        ),
        Rule(
            id="fitness_higher_risk_by_albumin",
            when=(one_of(F.PERFORMANCE, PerformanceBand.FIT), true(F.HAS_LOW_ALBUMIN)),
            effect=_need(F.FITNESS, Fitness.HIGHER_RISK),
            text="albumin under {LOW_ALBUMIN_BELOW_G_DL} g/dL",
            evidence=("karhade_30day_mortality_nsqip_ml", "ghori2015_nesms_development"),
        ),
        Rule(
            id="fitness_higher_risk_by_cachexia",
            when=(one_of(F.PERFORMANCE, PerformanceBand.FIT), true(F.HAS_CACHEXIA)),
            effect=_need(F.FITNESS, Fitness.HIGHER_RISK),
            text="cachexia",
            evidence=("delagarzaramos_mstfi_frailty_index",),
        ),
        Rule(
            id="fitness_higher_risk_by_bleeding",
            when=(one_of(F.PERFORMANCE, PerformanceBand.FIT), true(F.HAS_BLEEDING_RISK)),
            effect=_need(F.FITNESS, Fitness.HIGHER_RISK),
            text="bleeding risk (anticoagulation, coagulopathy or low platelets)",
            evidence=("delagarzaramos_mstfi_frailty_index",),
        ),
        Rule(
            id="fitness_fit_by_performance",
            when=(one_of(F.PERFORMANCE, PerformanceBand.FIT),),
            effect=_need(F.FITNESS, Fitness.FIT),
            text="KPS {FIT_MIN_KPS} or more (ECOG 0-1; threshold: panel convention)",
            evidence=("laufer2013_noms",),
            panel_convention=True,
        ),
        Rule(
            id="fitness_unknown",
            effect=_need(F.FITNESS, Fitness.UNKNOWN),
            text="no performance status, no clinician judgement and no criterion of unfitness",
            evidence=("laufer2013_noms",),
        ),
        # === Decompression (neurologic and oncologic) =====================================
        Rule(
            id="decompression_unknown_without_grade",
            when=(unknown(F.ESCC_CLASS),),
            effect=_need(F.DECOMPRESSION, D.UNKNOWN),
            text="the Bilsky grade is not known",
            evidence=("bilsky2010_escc",),
        ),
        Rule(
            id="decompression_none_low_grade",
            when=(one_of(F.ESCC_CLASS, EsccClass.LOW_GRADE),),
            effect=_need(F.DECOMPRESSION, D.NONE),
            text="Bilsky 0-1b: the cord is not touched",
            evidence=("bilsky2010_escc", "laufer2013_noms"),
        ),
        Rule(
            id="decompression_none_radiosensitive",
            when=(
                one_of(F.TUMOUR_CLASS, TumourClass.RADIOSENSITIVE),
                not_true(F.IS_COMPRESSED_BY_BONE),
                not_true(F.IS_PROGRESSING_AFTER_RADIATION),
            ),
            effect=_need(F.DECOMPRESSION, D.NONE),
            text=(
                "radiosensitive tumour compressing by soft tissue: radiotherapy and systemic "
                "therapy first at any grade (compression by bone is excepted by panel convention)"
            ),
            evidence=("laufer2013_noms", "aofoundation_radiosensitivity"),
        ),
        # Rule 4 holds even when the compression progresses after radiation: its modifiers
        # name their own order (radiotherapy or non-operative care first, an operation at
        # most "consider"), which raising the need to indicated would overturn while their
        # alerts still said so. Progression raises rule 7's borderline (rows below).
        Rule(
            id="decompression_borderline_discrete_levels",
            when=(true(F.IS_DISCRETE),),
            effect=_need(F.DECOMPRESSION, D.BORDERLINE),
            text="compression at discrete levels: radiotherapy covering every level first",
            evidence=("patchell2005_rct", "alcorn2024_astro_bone_metastases_ebrt"),
        ),
        Rule(
            id="decompression_borderline_established_paraplegia",
            when=(true(F.IS_ESTABLISHED_PARAPLEGIA),),
            effect=_need(F.DECOMPRESSION, D.BORDERLINE),
            text="Frankel A-B for more than {ACUTE_DEFICIT_MAX_HOURS} hours: outside the trial",
            evidence=("mescc2024_paralysis_over_48h_surgery", "patchell2005_rct"),
        ),
        Rule(
            id="decompression_urgent_deficit_high_grade",
            when=(true(F.HAS_DEFICIT), one_of(F.ESCC_CLASS, EsccClass.HIGH_GRADE)),
            effect=_need(F.DECOMPRESSION, D.URGENT),
            text="a deficit with Bilsky 2-3",
            evidence=("patchell2005_rct", "alcorn2024_astro_bone_metastases_ebrt"),
        ),
        Rule(
            id="decompression_urgent_deficit_bone",
            when=(
                true(F.HAS_DEFICIT),
                one_of(F.ESCC_CLASS, EsccClass.CORD_CONTACT),
                true(F.IS_COMPRESSED_BY_BONE),
            ),
            effect=_need(F.DECOMPRESSION, D.URGENT),
            text="a deficit with Bilsky 1c from retropulsed bone, which radiotherapy cannot shrink",
            evidence=("patchell2005_rct", "alcorn2024_astro_bone_metastases_ebrt"),
        ),
        Rule(
            id="decompression_urgent_deficit_progressing",
            when=(
                true(F.HAS_DEFICIT),
                one_of(F.ESCC_CLASS, EsccClass.CORD_CONTACT),
                true(F.IS_PROGRESSING_AFTER_RADIATION),
            ),
            effect=_need(F.DECOMPRESSION, D.URGENT),
            text="a deficit with Bilsky 1c progressing after radiotherapy",
            evidence=("patchell2005_rct", "jnsspine2018_postop_sbrt_reirradiation_mescc"),
        ),
        Rule(
            id="decompression_indicated_radioresistant_high_grade",
            when=(
                not_true(F.HAS_DEFICIT),
                one_of(F.ESCC_CLASS, EsccClass.HIGH_GRADE),
                one_of(F.TUMOUR_CLASS, TumourClass.RADIORESISTANT),
            ),
            effect=_need(F.DECOMPRESSION, D.INDICATED),
            text="Bilsky 2-3 in a radioresistant tumour: separation surgery, then stereotactic RT",
            evidence=(
                "laufer2013_separation_surgery_srs",
                "bilsky2011_ssrs_neurosurgical_perspective",
            ),
        ),
        Rule(
            id="decompression_indicated_progressing",
            when=(not_true(F.HAS_DEFICIT), true(F.IS_PROGRESSING_AFTER_RADIATION)),
            effect=_need(F.DECOMPRESSION, D.INDICATED),
            text="compression progressing after radiotherapy",
            evidence=(
                "jnsspine2018_postop_sbrt_reirradiation_mescc",
                "laufer2013_separation_surgery_srs",
            ),
        ),
        Rule(
            id="decompression_indicated_cord_contact_deficit",
            when=(true(F.HAS_DEFICIT), one_of(F.ESCC_CLASS, EsccClass.CORD_CONTACT)),
            effect=_need(F.DECOMPRESSION, D.INDICATED),
            text="Bilsky 1c with a deficit",
            evidence=("bilsky2010_escc", "laufer2013_noms"),
        ),
        Rule(
            id="decompression_borderline_otherwise",
            effect=_need(F.DECOMPRESSION, D.BORDERLINE),
            text=(
                "Bilsky 1c-3 without a deficit in a tumour not known to be radioresistant: "
                "radiotherapy or SBRT first, with a surgical opinion"
            ),
            evidence=("laufer2013_noms", "bilsky2011_ssrs_neurosurgical_perspective"),
        ),
        # === Stabilisation (mechanical) ====================================================
        Rule(
            id="stabilisation_unknown_sins_range",
            when=(unknown(F.SINS_BAND),),
            effect=_need(F.STABILISATION, StabilisationNeed.UNKNOWN),
            text="the possible SINS totals span more than one band",
            evidence=("fisher2010_sins",),
        ),
        Rule(
            id="stabilisation_needed_sins_13_18",
            when=(one_of(F.SINS_BAND, SinsBand.UNSTABLE),),
            effect=_need(F.STABILISATION, StabilisationNeed.NEEDED),
            text="SINS 13-18: unstable, and radiotherapy does not restore stability",
            evidence=("fisher2010_sins", "laufer2013_noms"),
        ),
        Rule(
            id="stabilisation_opinion_sins_7_12",
            when=(one_of(F.SINS_BAND, SinsBand.INDETERMINATE),),
            effect=_need(F.STABILISATION, StabilisationNeed.SURGICAL_OPINION),
            text="SINS 7-12: possibly unstable; a surgeon should judge",
            evidence=("fourney2011_sins_reliability_validity", "fisher2010_sins"),
        ),
        Rule(
            id="stabilisation_none_sins_0_6",
            effect=_need(F.STABILISATION, StabilisationNeed.NONE),
            text="SINS 0-6: stable",
            evidence=("fisher2010_sins",),
        ),
        # === Cement candidacy ================================================================
        Rule(
            id="cement_no_bone_compression",
            when=(true(F.IS_COMPRESSED_BY_BONE),),
            effect=_need(F.CEMENT_CANDIDATE, CementCandidacy.NO),
            text="bone is compressing the cord (exclusion: panel convention)",
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
            panel_convention=True,
        ),
        Rule(
            id="cement_no_epidural_compression",
            when=(one_of(F.ESCC_CLASS, *CORD_CONTACT_OR_MORE),),
            effect=_need(F.CEMENT_CANDIDATE, CementCandidacy.NO),
            text="epidural disease touches or compresses the cord (exclusion: panel convention)",
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
            panel_convention=True,
        ),
        Rule(
            id="cement_no_pain_not_mechanical",
            when=(one_of(F.PAIN, Pain.OCCASIONAL_NON_MECHANICAL, Pain.PAIN_FREE),),
            effect=_need(F.CEMENT_CANDIDATE, CementCandidacy.NO),
            text="the pain is not mechanical",
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
        ),
        Rule(
            id="cement_no_fracture",
            when=(
                one_of(F.COLLAPSE, Collapse.NONE, Collapse.NO_COLLAPSE_OVER_50_PERCENT_INVOLVED),
            ),
            effect=_need(F.CEMENT_CANDIDATE, CementCandidacy.NO),
            text="the body has not collapsed (no compression fracture)",
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
        ),
        Rule(
            id="cement_no_translation",
            when=(one_of(F.ALIGNMENT, Alignment.SUBLUXATION_TRANSLATION),),
            effect=_need(F.CEMENT_CANDIDATE, CementCandidacy.NO),
            text="subluxation or translation (exclusion: panel convention)",
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
            panel_convention=True,
        ),
        Rule(
            id="cement_no_bilateral_posterolateral",
            when=(one_of(F.POSTEROLATERAL, Posterolateral.BILATERAL),),
            effect=_need(F.CEMENT_CANDIDATE, CementCandidacy.NO),
            text="both posterolateral columns involved (exclusion: panel convention)",
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
            panel_convention=True,
        ),
        Rule(
            id="cement_yes_painful_fracture",
            when=(
                one_of(F.PAIN, Pain.MECHANICAL),
                one_of(F.COLLAPSE, Collapse.UNDER_50_PERCENT, Collapse.OVER_50_PERCENT),
                one_of(F.ESCC_CLASS, EsccClass.LOW_GRADE),
                one_of(F.ALIGNMENT, Alignment.NORMAL, Alignment.DE_NOVO_DEFORMITY),
                one_of(F.POSTEROLATERAL, Posterolateral.UNILATERAL, Posterolateral.NONE),
            ),
            effect=_need(F.CEMENT_CANDIDATE, CementCandidacy.YES),
            text="a painful (mechanical) compression fracture without cord compression",
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
        ),
        Rule(
            id="cement_unknown",
            effect=_need(F.CEMENT_CANDIDATE, CementCandidacy.UNKNOWN),
            text="pain, collapse, alignment, posterolateral involvement or grade not recorded",
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
        ),
        # === Verdict ceilings and floors (C1-C21) ==========================================
        Rule(
            id="c01_outside_thoracolumbar_scope",
            when=(one_of(F.REGION, Region.CERVICAL, Region.SACRAL),),
            effect=CapsVerdict(code="C1", options=OPERATIONS, verdict=V.OUT_OF_SCOPE),
            text=(
                "These rules were built from thoracic and lumbar evidence; at a cervical or "
                "sacral level operations are not assessed."
            ),
            evidence=("li2025_endoscopic_transpedicular", "vargaslopez2015_anterior_anterolateral"),
        ),
        Rule(
            id="c02_moribund_no_operation",
            when=(one_of(F.FITNESS, Fitness.MORIBUND),),
            effect=CapsVerdict(code="C2", options=OPERATIONS, verdict=V.NOT_SUGGESTED),
            text=(
                "The patient is moribund: no operation is offered; care is supportive, with "
                "radiotherapy only if life expectancy is at least 4 weeks."
            ),
            evidence=("alcorn2024_astro_bone_metastases_ebrt",),
        ),
        Rule(
            id="c03_unfit_no_open_surgery",
            when=(one_of(F.FITNESS, Fitness.UNFIT),),
            effect=CapsVerdict(code="C3", options=OPEN_MAJOR, verdict=V.NOT_SUGGESTED),
            text=(
                "The patient is unfit for open major surgery; the trial that showed its benefit "
                "enrolled patients expected to live {TRIAL_MIN_MONTHS} months or more."
            ),
            evidence=("patchell2005_rct", "karhade_30day_mortality_nsqip_ml"),
        ),
        Rule(
            id="c03_clinician_fit_but_short_survival",
            when=(true(F.FIT_FOR_OPEN_SURGERY), one_of(F.SURVIVAL, SurvivalBand.MONTHS_1_TO_3)),
            effect=CapsVerdict(code="C3", options=OPEN_MAJOR, verdict=V.CAUTION),
            text=(
                "Judged fit, but expected survival is under {TRIAL_MIN_MONTHS} months, below "
                "the trial's lower limit: open surgery needs a stated reason."
            ),
            evidence=("patchell2005_rct",),
        ),
        Rule(
            id="c04_fitness_unknown_open",
            when=(one_of(F.FITNESS, Fitness.UNKNOWN),),
            effect=CapsVerdict(code="C4", options=OPEN_MAJOR, verdict=V.CONSIDER),
            text="Fitness for open surgery is unknown: give performance status or your judgement.",
            evidence=("laufer2013_noms",),
        ),
        Rule(
            id="c04_fitness_unknown_endoscopic",
            when=(one_of(F.FITNESS, Fitness.UNKNOWN),),
            effect=CapsVerdict(
                code="C4", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.CAUTION
            ),
            text="Fitness is not known, so it is not known whether open surgery is barred.",
            evidence=("li2025_endoscopic_transpedicular",),
        ),
        Rule(
            id="c05_higher_risk_anterior",
            when=(one_of(F.FITNESS, Fitness.HIGHER_RISK),),
            effect=CapsVerdict(code="C5", options=(A.ANTERIOR_ANTEROLATERAL,), verdict=V.CAUTION),
            text=(
                "Higher surgical risk: an anterior or combined approach added to frailty "
                "scores' predicted complications and mortality."
            ),
            evidence=("delagarzaramos_mstfi_frailty_index",),
        ),
        Rule(
            id="c05_higher_risk_posterior",
            when=(one_of(F.FITNESS, Fitness.HIGHER_RISK),),
            effect=CapsVerdict(
                code="C5",
                options=(A.POSTERIOR_ONLY, A.PERCUTANEOUS_POSTERIOR_FIXATION),
                verdict=V.CONSIDER,
            ),
            text="Higher surgical risk: open surgery stays possible but is not the default.",
            evidence=("karhade_30day_mortality_nsqip_ml", "delagarzaramos_mstfi_frailty_index"),
        ),
        Rule(
            id="c06_decompression_need_unknown",
            when=(one_of(F.DECOMPRESSION, D.UNKNOWN),),
            effect=CapsVerdict(code="C6", options=tuple(Approach), verdict=V.CONSIDER),
            text="Without the Bilsky grade the need to decompress is unknown: none is preferred.",
            evidence=("bilsky2010_escc",),
        ),
        Rule(
            id="c07_endoscopic_intact_neurology",
            when=(one_of(F.FRANKEL_GROUP, FrankelGroup.INTACT),),
            effect=CapsVerdict(
                code="C7", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.NOT_SUGGESTED
            ),
            text="Neurology is intact: its evidence is in patients with a deficit.",
            evidence=("li2025_endoscopic_transpedicular", "suvithayasiri2023_endoscopic_29cases"),
        ),
        Rule(
            id="c07_endoscopic_low_grade",
            when=(one_of(F.ESCC_CLASS, EsccClass.LOW_GRADE),),
            effect=CapsVerdict(
                code="C7", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.NOT_SUGGESTED
            ),
            text="Bilsky 0-1b: there is no cord compression to relieve.",
            evidence=("bilsky2010_escc", "li2025_endoscopic_transpedicular"),
        ),
        Rule(
            id="c07_endoscopic_short_survival",
            when=(one_of(F.SURVIVAL, SurvivalBand.UNDER_1_MONTH, SurvivalBand.MONTHS_1_TO_3),),
            effect=CapsVerdict(
                code="C7", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.NOT_SUGGESTED
            ),
            text=(
                "Expected survival under {TRIAL_MIN_MONTHS} months: in the case report walking "
                "returned only within about 2 months."
            ),
            evidence=("li2025_endoscopic_transpedicular", "patchell2005_rct"),
        ),
        Rule(
            id="c07_endoscopic_unstable",
            when=(one_of(F.STABILISATION, StabilisationNeed.NEEDED),),
            effect=CapsVerdict(
                code="C7", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.NOT_SUGGESTED
            ),
            text="SINS 13-18: decompression alone does not stabilise an unstable spine.",
            evidence=("fisher2010_sins", "li2025_endoscopic_transpedicular"),
        ),
        Rule(
            id="c08_endoscopic_fit_for_open",
            when=(one_of(F.FITNESS, Fitness.FIT, Fitness.HIGHER_RISK),),
            effect=CapsVerdict(
                code="C8", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.CAUTION
            ),
            text="The patient can have open surgery, for which the evidence is stronger.",
            evidence=("li2025_endoscopic_transpedicular", "patchell2005_rct"),
        ),
        Rule(
            id="c08_endoscopic_complete_paralysis",
            when=(one_of(F.FRANKEL_GROUP, FrankelGroup.COMPLETE),),
            effect=CapsVerdict(
                code="C8", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.CAUTION
            ),
            text="Frankel A-B: the reported patients had incomplete deficits.",
            evidence=("li2025_endoscopic_transpedicular", "suvithayasiri2023_endoscopic_29cases"),
        ),
        Rule(
            id="c08_endoscopic_grade_unknown",
            when=(unknown(F.ESCC_CLASS),),
            effect=CapsVerdict(
                code="C8", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.CAUTION
            ),
            text="The Bilsky grade is not known.",
            evidence=("li2025_endoscopic_transpedicular",),
        ),
        Rule(
            id="c08_endoscopic_neurology_unknown",
            when=(unknown(F.FRANKEL_GROUP),),
            effect=CapsVerdict(
                code="C8", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.CAUTION
            ),
            text="The Frankel grade is not known.",
            evidence=("li2025_endoscopic_transpedicular",),
        ),
        Rule(
            id="c08_endoscopic_survival_unknown",
            when=(unknown(F.SURVIVAL),),
            effect=CapsVerdict(
                code="C8", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.CAUTION
            ),
            text="No estimate of survival: give yours (prognostic scores do not stand in for it).",
            evidence=(
                "li2025_endoscopic_transpedicular",
                "bindels2025_external_validation_12_survival_models",
            ),
        ),
        Rule(
            id="c08_endoscopic_stability_unknown",
            when=(one_of(F.STABILISATION, StabilisationNeed.UNKNOWN),),
            effect=CapsVerdict(
                code="C8", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.CAUTION
            ),
            text="Stability is not settled (SINS items missing).",
            evidence=("fisher2010_sins",),
        ),
        Rule(
            id="c08_endoscopic_bleeding_risk",
            when=(true(F.HAS_BLEEDING_RISK),),
            effect=CapsVerdict(
                code="C8", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.CAUTION
            ),
            text=(
                "Bleeding risk: bleeding in a small endoscopic field is hard to stop (panel "
                "convention)."
            ),
            evidence=("delagarzaramos_mstfi_frailty_index",),
            panel_convention=True,
        ),
        Rule(
            id="c09_endoscopic_never_suggested",
            effect=CapsVerdict(
                code="C9", options=(A.ENDOSCOPIC_TRANSPEDICULAR,), verdict=V.CONSIDER
            ),
            text=(
                "At best an option to consider: its evidence is one case report (incomplete "
                "paralysis, unfit, walking within 2 months) and one 29-patient series."
            ),
            evidence=("li2025_endoscopic_transpedicular", "suvithayasiri2023_endoscopic_29cases"),
        ),
        Rule(
            id="c10_cement_or_screws_do_not_decompress",
            when=(one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),),
            effect=CapsVerdict(
                code="C10",
                options=(A.VERTEBRAL_AUGMENTATION, A.PERCUTANEOUS_STABILISATION),
                verdict=V.CAUTION,
            ),
            text=(
                "The cord or cauda equina needs decompression, which neither cement nor screws "
                "provide."
            ),
            evidence=("laufer2013_noms", "kwan2016_mist_percutaneous"),
        ),
        Rule(
            id="c10_radiotherapy_alone_when_fit",
            when=(
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
                one_of(F.FITNESS, Fitness.FIT),
                not_true(F.IS_65_OR_OLDER),
                not_known_one_of(
                    F.SURVIVAL, SurvivalBand.UNDER_1_MONTH, SurvivalBand.MONTHS_1_TO_3
                ),
                one_of(F.DECOMPRESSING_ROUTES, DecompressingRoutes.OPEN),
            ),
            effect=CapsVerdict(code="C10", options=(A.NON_OPERATIVE,), verdict=V.CAUTION),
            text=(
                "A fit patient under {TRIAL_AGE_ALERT_FROM_YEARS} whose cord or cauda equina "
                "needs decompression: radiotherapy alone needs a stated reason."
            ),
            evidence=("patchell2005_rct", "chi2009_age_surgery_mscc"),
        ),
        Rule(
            id="c10_radiotherapy_alone_when_higher_risk",
            when=(
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
                one_of(F.FITNESS, Fitness.HIGHER_RISK, Fitness.UNKNOWN),
                one_of(F.DECOMPRESSING_ROUTES, DecompressingRoutes.OPEN),
            ),
            effect=CapsVerdict(code="C10", options=(A.NON_OPERATIVE,), verdict=V.CONSIDER),
            text=(
                "The cord or cauda equina needs decompression, but surgical risk is higher or "
                "unknown."
            ),
            evidence=("patchell2005_rct", "karhade_30day_mortality_nsqip_ml"),
        ),
        Rule(
            id="c10_radiotherapy_alone_from_65",
            when=(
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
                true(F.IS_65_OR_OLDER),
                one_of(F.DECOMPRESSING_ROUTES, DecompressingRoutes.OPEN),
            ),
            effect=CapsVerdict(code="C10", options=(A.NON_OPERATIVE,), verdict=V.CONSIDER),
            text=(
                "The cord or cauda equina needs decompression, but from "
                "{TRIAL_AGE_ALERT_FROM_YEARS} the trial's advantage for surgery shrank."
            ),
            evidence=("chi2009_age_surgery_mscc",),
        ),
        Rule(
            id="c10_radiotherapy_beside_endoscopic_only",
            when=(
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
                one_of(F.DECOMPRESSING_ROUTES, DecompressingRoutes.ENDOSCOPIC_ONLY),
            ),
            effect=CapsVerdict(code="C10", options=(A.NON_OPERATIVE,), verdict=V.CONSIDER),
            text="Only an endoscopic decompression is left able to free the cord.",
            evidence=("li2025_endoscopic_transpedicular", "alcorn2024_astro_bone_metastases_ebrt"),
        ),
        Rule(
            id="c11_reirradiation_too_soon",
            when=(
                true(F.IS_PROGRESSING_AFTER_RADIATION),
                one_of(F.PRIOR_RADIATION, PriorRadiation.RECENT),
            ),
            effect=CapsVerdict(code="C11", options=(A.NON_OPERATIVE,), verdict=V.CAUTION),
            text=(
                "Progressing within about {RECENT_RADIATION_MONTHS} months of radiotherapy: "
                "repeat radiotherapy is not yet safe (the interval is panel convention; the "
                "re-irradiation series treated a median of 13 and a mean of 16 months after the "
                "first course)."
            ),
            evidence=(
                "kawashiro2015_imrt_reirradiation_spine",
                "jnsspine2018_postop_sbrt_reirradiation_mescc",
            ),
            panel_convention=True,
        ),
        Rule(
            id="c12_unstable_radiotherapy_alone_fit",
            when=(
                one_of(F.STABILISATION, StabilisationNeed.NEEDED),
                one_of(F.FITNESS, Fitness.FIT, Fitness.HIGHER_RISK),
            ),
            effect=CapsVerdict(code="C12", options=(A.NON_OPERATIVE,), verdict=V.NOT_SUGGESTED),
            text="SINS 13-18: radiotherapy alone does not restore stability; stabilise first.",
            evidence=("fisher2010_sins", "laufer2013_noms"),
        ),
        Rule(
            id="c12_unstable_radiotherapy_alone_unfit",
            when=(
                one_of(F.STABILISATION, StabilisationNeed.NEEDED),
                one_of(F.FITNESS, Fitness.UNFIT, Fitness.UNKNOWN),
            ),
            effect=CapsVerdict(code="C12", options=(A.NON_OPERATIVE,), verdict=V.CAUTION),
            text="SINS 13-18: radiotherapy alone leaves the spine unstable.",
            evidence=("fisher2010_sins", "laufer2013_noms"),
        ),
        Rule(
            id="c12_unstable_cement_alone",
            when=(one_of(F.STABILISATION, StabilisationNeed.NEEDED),),
            effect=CapsVerdict(code="C12", options=(A.VERTEBRAL_AUGMENTATION,), verdict=V.CAUTION),
            text="SINS 13-18: cement alone is not a stabilisation (panel convention).",
            evidence=("fisher2010_sins", "berenson2011_cafe_kyphoplasty_rct"),
            panel_convention=True,
        ),
        Rule(
            id="c13_low_grade_open_surgery",
            when=(one_of(F.ESCC_CLASS, EsccClass.LOW_GRADE),),
            effect=CapsVerdict(code="C13", options=OPEN_MAJOR, verdict=V.CAUTION),
            text="Bilsky 0-1b: there is no cord compression for an open operation to relieve.",
            evidence=("bilsky2010_escc", "laufer2013_noms"),
        ),
        Rule(
            id="c14_no_need_screws",
            when=(
                one_of(F.DECOMPRESSION, D.NONE, D.BORDERLINE),
                one_of(F.STABILISATION, StabilisationNeed.NONE),
            ),
            effect=CapsVerdict(
                code="C14", options=(A.PERCUTANEOUS_STABILISATION,), verdict=V.CAUTION
            ),
            text="The spine is stable (SINS 0-6) and needs no screws.",
            evidence=("fisher2010_sins",),
        ),
        Rule(
            id="c14_no_need_cement",
            when=(
                one_of(F.DECOMPRESSION, D.NONE, D.BORDERLINE),
                one_of(F.STABILISATION, StabilisationNeed.NONE),
                one_of(F.CEMENT_CANDIDATE, CementCandidacy.NO, CementCandidacy.UNKNOWN),
            ),
            effect=CapsVerdict(code="C14", options=(A.VERTEBRAL_AUGMENTATION,), verdict=V.CAUTION),
            text="Stable and not shown to be a painful fracture suited to cement.",
            evidence=("berenson2011_cafe_kyphoplasty_rct", "fisher2010_sins"),
        ),
        Rule(
            id="c14_no_need_open_surgery",
            when=(one_of(F.DECOMPRESSION, D.NONE), one_of(F.STABILISATION, StabilisationNeed.NONE)),
            effect=CapsVerdict(code="C14", options=OPEN_MAJOR, verdict=V.CAUTION),
            text="Neither decompression nor stabilisation is needed: no indication to operate.",
            evidence=("laufer2013_noms", "fisher2010_sins"),
        ),
        Rule(
            id="c14_borderline_corpectomy",
            when=(
                one_of(F.DECOMPRESSION, D.BORDERLINE),
                one_of(F.STABILISATION, StabilisationNeed.NONE),
            ),
            effect=CapsVerdict(
                code="C14",
                options=(A.ANTERIOR_ANTEROLATERAL, A.PERCUTANEOUS_POSTERIOR_FIXATION),
                verdict=V.CAUTION,
            ),
            text="A borderline need in a stable spine does not justify a corpectomy.",
            evidence=("laufer2013_noms", "fisher2010_sins"),
        ),
        Rule(
            id="c14_borderline_cord_contact_posterior",
            when=(
                one_of(F.DECOMPRESSION, D.BORDERLINE),
                one_of(F.STABILISATION, StabilisationNeed.NONE),
                one_of(F.ESCC_CLASS, EsccClass.CORD_CONTACT),
                one_of(
                    F.TUMOUR_CLASS,
                    TumourClass.RADIOSENSITIVE,
                    TumourClass.INTERMEDIATE,
                    TumourClass.UNKNOWN,
                ),
            ),
            effect=CapsVerdict(code="C14", options=(A.POSTERIOR_ONLY,), verdict=V.CAUTION),
            text="Bilsky 1c in a stable spine, tumour not radioresistant: radiotherapy first.",
            evidence=("laufer2013_noms", "bilsky2010_escc"),
        ),
        Rule(
            id="c15_borderline_posterior",
            when=(one_of(F.DECOMPRESSION, D.BORDERLINE),),
            effect=CapsVerdict(code="C15", options=(A.POSTERIOR_ONLY,), verdict=V.CONSIDER),
            text="A borderline need: surgery is an opinion to seek, not the default.",
            evidence=("laufer2013_noms", "bilsky2011_ssrs_neurosurgical_perspective"),
        ),
        Rule(
            id="c15_borderline_corpectomy",
            when=(one_of(F.DECOMPRESSION, D.BORDERLINE),),
            effect=CapsVerdict(
                code="C15",
                options=(A.ANTERIOR_ANTEROLATERAL, A.PERCUTANEOUS_POSTERIOR_FIXATION),
                verdict=V.CAUTION,
            ),
            text="A borderline need does not justify a corpectomy.",
            evidence=("laufer2013_noms",),
        ),
        Rule(
            id="c15_borderline_radiotherapy_first",
            when=(
                one_of(F.DECOMPRESSION, D.BORDERLINE),
                one_of(
                    F.STABILISATION,
                    StabilisationNeed.NONE,
                    StabilisationNeed.SURGICAL_OPINION,
                    StabilisationNeed.UNKNOWN,
                ),
            ),
            effect=FloorsVerdict(
                code="C15", option=A.NON_OPERATIVE, verdict=V.CONSIDER, first=True
            ),
            text="A borderline need: radiotherapy first, with a surgical opinion.",
            evidence=("laufer2013_noms", "alcorn2024_astro_bone_metastases_ebrt"),
        ),
        Rule(
            id="c16_nothing_to_fix_radiotherapy",
            when=(
                one_of(F.DECOMPRESSION, D.NONE),
                one_of(F.STABILISATION, StabilisationNeed.NONE),
                one_of(F.FITNESS, Fitness.UNFIT, Fitness.HIGHER_RISK, Fitness.FIT, Fitness.UNKNOWN),
            ),
            effect=FloorsVerdict(code="C16", option=A.NON_OPERATIVE, verdict=V.SUGGESTED),
            text="No decompression or stabilisation is needed: radiotherapy and systemic care.",
            evidence=("laufer2013_noms", "alcorn2024_astro_bone_metastases_ebrt"),
        ),
        Rule(
            id="c17_dorsal_disease_corpectomy",
            when=(one_of(F.COMPRESSION_SITE, CompressionSite.POSTERIOR),),
            effect=CapsVerdict(
                code="C17",
                options=(A.ANTERIOR_ANTEROLATERAL, A.PERCUTANEOUS_POSTERIOR_FIXATION),
                verdict=V.CAUTION,
            ),
            text=DORSAL_TEXT,
            evidence=("bilsky2000_posterolateral_transpedicle",),
            panel_convention=True,
        ),
        Rule(
            id="c18_cervicothoracic_junction",
            when=(one_of(F.LEVEL, Level.T1, Level.T2),),
            effect=CapsVerdict(
                code="C18",
                options=(A.ANTERIOR_ANTEROLATERAL, A.PERCUTANEOUS_POSTERIOR_FIXATION),
                verdict=V.CAUTION,
            ),
            text=(
                "Cervicothoracic junction: front and side access is technically hard where the "
                "mobile cervical spine meets the rigid thoracic spine."
            ),
            evidence=(
                "josr2018_cervicothoracic_junction_metastases",
                "mesfin2015_metastatic_cervical_spine_review",
            ),
        ),
        Rule(
            id="c19_l5_lateral_corpectomy",
            when=(one_of(F.LEVEL, Level.L5),),
            effect=CapsVerdict(
                code="C19", options=(A.PERCUTANEOUS_POSTERIOR_FIXATION,), verdict=V.CAUTION
            ),
            text=(
                "L5: the transpsoas safe zone is narrowest at the lowest lumbar levels (the iliac "
                "crest in the way is a panel convention; no curated record)."
            ),
            evidence=("fourman2022_llif_safe_zone_l4l5",),
        ),
        Rule(
            id="c21_anterior_below_posterior",
            when=(true(F.ANTERIOR_AND_POSTERIOR_OPEN),),
            effect=CapsVerdict(
                code="C21",
                options=(A.ANTERIOR_ANTEROLATERAL,),
                verdict=V.CONSIDER,
                ranks_below=A.POSTERIOR_ONLY,
            ),
            text=(
                "Posterior-only decompression is open too: it is the default route, and an "
                "anterior or combined approach added morbidity in a frailty index."
            ),
            evidence=("wang2004_pta_140", "delagarzaramos_mstfi_frailty_index"),
        ),
        # === Reasons: non-operative care ======================================================
        Rule(
            id="non_operative_radiosensitive_first",
            when=(
                one_of(F.TUMOUR_CLASS, TumourClass.RADIOSENSITIVE),
                one_of(F.DECOMPRESSION, D.NONE),
                one_of(
                    F.STABILISATION,
                    StabilisationNeed.NONE,
                    StabilisationNeed.SURGICAL_OPINION,
                    StabilisationNeed.UNKNOWN,
                ),
            ),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.FOR_STRONG),
            text=(
                "A radiosensitive tumour: conventional radiotherapy comes first whatever the "
                "grade of compression."
            ),
            evidence=("laufer2013_noms", "aofoundation_radiosensitivity"),
        ),
        Rule(
            id="non_operative_radiotherapy_for_compression",
            when=(
                one_of(F.DECOMPRESSION, D.NONE, D.BORDERLINE),
                one_of(F.ESCC_CLASS, *CORD_CONTACT_OR_MORE),
            ),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.FOR_SUPPORTING),
            text=(
                "The guideline strongly recommends radiotherapy for metastases compressing the "
                "cord or cauda equina, with dexamethasone."
            ),
            evidence=("alcorn2024_astro_bone_metastases_ebrt",),
        ),
        Rule(
            id="non_operative_painful_lesion_radiotherapy",
            when=(one_of(F.DECOMPRESSION, D.NONE), one_of(F.ESCC_CLASS, EsccClass.LOW_GRADE)),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.FOR_SUPPORTING),
            text=(
                "Radiotherapy is the recommended treatment for a painful bone metastasis; "
                "SBRT 24 Gy in 2 gave more complete pain relief than 20 Gy in 5 in patients "
                "with ECOG 0-2, SINS under 12 and no symptomatic compression."
            ),
            evidence=(
                "alcorn2024_astro_bone_metastases_ebrt",
                "sahgal2021_sbrt_vs_cebrt_spinal_pain",
            ),
        ),
        Rule(
            id="non_operative_established_paraplegia",
            when=(true(F.IS_ESTABLISHED_PARAPLEGIA),),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.FOR_SUPPORTING),
            text=(
                "Paraplegia for over {ACUTE_DEFICIT_MAX_HOURS} hours lies outside the trial: "
                "non-operative care comes first; surgery is for instability, intractable pain, "
                "or selected patients within a week of onset."
            ),
            evidence=(
                "mescc2024_paralysis_over_48h_surgery",
                "bjj2019_complete_paralysis_surgery_timing",
            ),
        ),
        Rule(
            id="non_operative_discrete_levels",
            when=(true(F.IS_DISCRETE),),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.FOR_SUPPORTING),
            text=(
                "Compression at discrete levels: radiotherapy can cover every level, while one "
                "operation treats one; the trial excluded such patients."
            ),
            evidence=("alcorn2024_astro_bone_metastases_ebrt", "patchell2005_rct"),
        ),
        Rule(
            id="non_operative_trial_favours_surgery",
            when=(
                one_of(F.TRIAL, TrialFit.WITHIN),
                one_of(F.DECOMPRESSION, D.URGENT),
                not_true(F.IS_65_OR_OLDER),
                one_of(F.FITNESS, Fitness.FIT),
            ),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.AGAINST_STRONG),
            text=(
                f"{PATCHELL_FIGURES}; this patient is within the trial's eligibility (a "
                "criterion not recorded is presumed met)."
            ),
            evidence=("patchell2005_rct",),
        ),
        Rule(
            id="non_operative_trial_favours_surgery_if_fit",
            when=(
                one_of(F.TRIAL, TrialFit.WITHIN),
                one_of(F.DECOMPRESSION, D.URGENT),
                not_true(F.IS_65_OR_OLDER),
                one_of(F.FITNESS, Fitness.HIGHER_RISK, Fitness.UNKNOWN),
            ),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.AGAINST_SUPPORTING),
            text=(
                f"{PATCHELL_FIGURES}; the operation behind that advantage needs a patient fit "
                "for it, and this patient's surgical risk is higher or not yet known."
            ),
            evidence=("patchell2005_rct",),
        ),
        Rule(
            id="non_operative_radioresistant_poor_control",
            when=(
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
                one_of(F.TUMOUR_CLASS, TumourClass.RADIORESISTANT),
            ),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.AGAINST_SUPPORTING),
            text=(
                "A radioresistant tumour compressing the cord: conventional radiotherapy "
                "controls it poorly; durable control needs stereotactic doses."
            ),
            evidence=("aofoundation_radiosensitivity", "bilsky2011_ssrs_neurosurgical_perspective"),
        ),
        Rule(
            id="non_operative_unstable_spine",
            when=(one_of(F.STABILISATION, StabilisationNeed.NEEDED),),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.AGAINST_STRONG),
            text="SINS 13-18: radiotherapy does not restore stability.",
            evidence=("fisher2010_sins", "laufer2013_noms"),
        ),
        Rule(
            id="non_operative_short_survival_single_fraction",
            when=(one_of(F.SURVIVAL, SurvivalBand.MONTHS_1_TO_3),),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.FOR_SUPPORTING),
            text=(
                "Expected survival under {TRIAL_MIN_MONTHS} months: a single 8 Gy fraction is an "
                "option for a poor prognosis (matched pairs: motor function no different from "
                "20 Gy/5). In SCORAD, with life expectancy over 8 weeks, 69.3% vs 72.7% walked "
                "(non-inferiority not formally shown)."
            ),
            evidence=(
                "mescc2018_1x8_vs_5x4_matched_pair",
                "hoskin2019_scorad_single_vs_multifraction",
            ),
        ),
        Rule(
            id="non_operative_prognostic_scores_poor",
            when=(
                unknown(F.SURVIVAL),
                true(F.PROGNOSTIC_SCORES_POOR),
                # The scores count the deficit; they must not argue against relieving it.
                not_known_one_of(F.DECOMPRESSION, D.URGENT, D.INDICATED),
            ),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.FOR_SUPPORTING),
            text=(
                "No survival estimate, and revised Tokuhashi 0-8 or Tomita 8-10 predict short "
                "survival (counted once); these scores were right for about 63% of patients."
            ),
            evidence=("tokuhashi2005_revised", "zoccali2016_tokuhashi_pitfalls"),
        ),
        Rule(
            id="non_operative_reirradiation_after_remote",
            when=(
                true(F.IS_PROGRESSING_AFTER_RADIATION),
                one_of(F.PRIOR_RADIATION, PriorRadiation.REMOTE),
            ),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.NOTE),
            text=(
                "Radiotherapy was some months ago: re-irradiation is an option (IMRT a median of "
                "13 months after the first course: 88% 1-year control in one series), and so is "
                "surgery then SBRT re-irradiation (70% 1-year control in another)."
            ),
            evidence=(
                "kawashiro2015_imrt_reirradiation_spine",
                "jnsspine2018_postop_sbrt_reirradiation_mescc",
            ),
        ),
        Rule(
            id="non_operative_fractionation_for_compression",
            when=(
                one_of(F.ESCC_CLASS, *CORD_CONTACT_OR_MORE),
                not_known_one_of(F.SURVIVAL, SurvivalBand.UNDER_1_MONTH),
            ),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.NOTE),
            text=(
                "If not operated: dexamethasone with radiotherapy; 8 Gy/1, 16 Gy/2, 20 Gy/5 or "
                "30 Gy/10 are accepted; with a good prognosis 8 Gy needed more re-treatment; "
                "start within 24 hours of the decision."
            ),
            evidence=(
                "alcorn2024_astro_bone_metastases_ebrt",
                "mescc2018_1x8_vs_5x4_matched_pair",
                "nice_qs56_statement6_rt_within_24h",
            ),
        ),
        Rule(
            id="non_operative_sbrt_single_fraction_note",
            when=(one_of(F.ESCC_CLASS, EsccClass.LOW_GRADE),),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.NOTE),
            text=(
                "Single-fraction SRS of 16-18 Gy did not beat 8 Gy and gave worse pain response "
                "at 3 months."
            ),
            evidence=("ryu2023_rtog0631_srs_vs_cebrt",),
        ),
        Rule(
            id="non_operative_supportive_care_moribund",
            when=(one_of(F.FITNESS, Fitness.MORIBUND),),
            effect=GivesReason(option=A.NON_OPERATIVE, stance=S.NOTE),
            text="Supportive care; radiotherapy only if life expectancy is at least 4 weeks.",
            evidence=("alcorn2024_astro_bone_metastases_ebrt",),
        ),
        # === Reasons: vertebral augmentation ==================================================
        Rule(
            id="augmentation_painful_fracture",
            when=(one_of(F.CEMENT_CANDIDATE, CementCandidacy.YES),),
            effect=GivesReason(option=A.VERTEBRAL_AUGMENTATION, stance=S.FOR_STRONG),
            text=(
                "A painful compression fracture without cord compression: in a randomised trial "
                "kyphoplasty cut back-related disability at 1 month (Roland-Morris 17.6 to 9.1) "
                "where usual care did not; given with radiotherapy."
            ),
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
        ),
        Rule(
            id="augmentation_not_a_candidate",
            when=(one_of(F.CEMENT_CANDIDATE, CementCandidacy.NO),),
            effect=GivesReason(option=A.VERTEBRAL_AUGMENTATION, stance=S.AGAINST_STRONG),
            text="Not a cement candidate (see the cement need for why).",
            evidence=("berenson2011_cafe_kyphoplasty_rct",),
        ),
        # === Reasons: percutaneous stabilisation ==============================================
        Rule(
            id="percutaneous_stabilisation_without_decompression",
            when=(
                one_of(F.STABILISATION, StabilisationNeed.NEEDED),
                one_of(F.DECOMPRESSION, D.NONE, D.BORDERLINE),
            ),
            effect=GivesReason(option=A.PERCUTANEOUS_STABILISATION, stance=S.FOR_STRONG),
            text=(
                "An unstable spine that needs no decompression: percutaneous screws stabilise "
                "it (median blood loss 100 mL, 87% walking within 3 days in one series)."
            ),
            evidence=("versteeg2016_ppsf_complications", "kwan2016_mist_percutaneous"),
        ),
        Rule(
            id="percutaneous_stabilisation_less_morbid",
            when=(
                one_of(F.STABILISATION, StabilisationNeed.NEEDED),
                one_of(F.FITNESS, Fitness.HIGHER_RISK, Fitness.UNFIT),
            ),
            effect=GivesReason(option=A.PERCUTANEOUS_STABILISATION, stance=S.FOR_SUPPORTING),
            text=(
                "Minimally invasive fixation had fewer complications and less blood loss than "
                "open surgery in two meta-analyses."
            ),
            evidence=(
                "pranata2021_mis_vs_open_fusion_meta",
                "hinojosagonzalez2022_mis_vs_open_meta",
            ),
        ),
        # === Reasons: posterior-only ==========================================================
        Rule(
            id="posterior_trial_decompression",
            when=(
                one_of(F.TRIAL, TrialFit.WITHIN),
                one_of(F.DECOMPRESSION, D.URGENT),
                not_true(F.IS_65_OR_OLDER),
            ),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.FOR_MAJOR),
            text=f"{PATCHELL_FIGURES}.",
            evidence=("patchell2005_rct",),
        ),
        Rule(
            id="posterior_decompresses_any_side",
            when=(one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.FOR_SUPPORTING),
            text=(
                "The default open route: it decompresses from any side and reconstructs through "
                "one incision (in 140 patients 96% had less pain and 75% of those not walking "
                "walked again)."
            ),
            evidence=("wang2004_pta_140", "bilsky2000_posterolateral_transpedicle"),
        ),
        Rule(
            id="posterior_stabilises",
            when=(one_of(F.STABILISATION, StabilisationNeed.NEEDED),),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.FOR_SUPPORTING),
            text="SINS 13-18: long segmental fixation stabilises the spine at the same time.",
            evidence=("bilsky2000_posterolateral_transpedicle", "fisher2010_sins"),
        ),
        Rule(
            id="posterior_separation_surgery_radioresistant",
            when=(
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
                one_of(F.TUMOUR_CLASS, TumourClass.RADIORESISTANT),
            ),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.FOR_STRONG),
            text=(
                "Separation surgery then high-dose stereotactic radiotherapy: 4.1% local "
                "progression at 1 year."
            ),
            evidence=(
                "laufer2013_separation_surgery_srs",
                "bilsky2011_ssrs_neurosurgical_perspective",
            ),
        ),
        Rule(
            id="posterior_after_failed_radiotherapy",
            when=(
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
                true(F.IS_PROGRESSING_AFTER_RADIATION),
            ),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.FOR_SUPPORTING),
            text=(
                "Progressing at an irradiated level: posterior decompression and fixation then "
                "SBRT gave 70% 1-year local control in 28 patients."
            ),
            evidence=("jnsspine2018_postop_sbrt_reirradiation_mescc",),
        ),
        Rule(
            id="posterior_irradiated_wound",
            when=(one_of(F.PRIOR_RADIATION, PriorRadiation.RECENT),),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.AGAINST_SUPPORTING),
            text=(
                "Recent radiotherapy to the field: one older series (as cited) found major wound "
                "problems in 32% against 12%; another found no excess after high-dose image-"
                "guided radiotherapy."
            ),
            evidence=("ghogawala2001_preop_rt_wound", "keam2014_preop_igrt_wound"),
        ),
        Rule(
            id="posterior_systemic_risk",
            when=(true(F.IS_MALNOURISHED),),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.AGAINST_SUPPORTING),
            text=SYSTEMIC_RISK_TEXT,
            evidence=SYSTEMIC_RISK_EVIDENCE,
        ),
        Rule(
            id="posterior_late_paraplegia_figures",
            when=(true(F.IS_ESTABLISHED_PARAPLEGIA),),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.NOTE),
            text=(
                "After late surgery for paraplegia, 29% of Frankel A and 57% of Frankel B walked "
                "again in one small series, and 38.5% of complete paralysis reached AIS D-E in "
                "another, better within a week than at three (both partly verified)."
            ),
            evidence=(
                "mescc2024_paralysis_over_48h_surgery",
                "bjj2019_complete_paralysis_surgery_timing",
                "laufer2016_neurologic_recovery_mescc_sr",
            ),
        ),
        Rule(
            id="posterior_biopsy_at_surgery",
            when=(
                true(F.LACKS_TISSUE_DIAGNOSIS),
                one_of(F.DECOMPRESSION, D.URGENT),
                one_of(F.FITNESS, Fitness.FIT),
            ),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.FOR_SUPPORTING),
            text=(
                "No tissue diagnosis, an urgent need and fit: the operation is also the biopsy. "
                "After emergency surgery with no known primary, neurological outcome was "
                "similar to known primaries (88% against 90% the same or better; 17 patients)."
            ),
            evidence=("quraishi2014_mscc_unknown_primary",),
        ),
        Rule(
            id="posterior_hypervascular_embolisation",
            when=(true(F.IS_HYPERVASCULAR),),
            effect=GivesReason(option=A.POSTERIOR_ONLY, stance=S.NOTE),
            text=(
                "Hypervascular tumour: consider preoperative embolisation; in a randomised trial "
                "it lowered blood loss in hypervascular metastases (645 vs 902 mL)."
            ),
            evidence=("clausen2015_embolization_rct",),
        ),
        # === Reasons: anterior / anterolateral ================================================
        Rule(
            id="anterior_trial_decompression",
            when=(
                one_of(F.TRIAL, TrialFit.WITHIN),
                one_of(F.DECOMPRESSION, D.URGENT),
                not_true(F.IS_65_OR_OLDER),
            ),
            effect=GivesReason(option=A.ANTERIOR_ANTEROLATERAL, stance=S.FOR_MAJOR),
            text=f"{PATCHELL_FIGURES}.",
            evidence=("patchell2005_rct",),
        ),
        Rule(
            id="anterior_ventral_access",
            when=(
                one_of(F.COMPRESSION_SITE, CompressionSite.ANTERIOR),
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
            ),
            effect=GivesReason(option=A.ANTERIOR_ANTEROLATERAL, stance=S.FOR_SUPPORTING),
            text="Ventral compression: a corpectomy from the front removes it under direct vision.",
            evidence=("vargaslopez2015_anterior_anterolateral",),
        ),
        Rule(
            id="anterior_added_morbidity",
            effect=GivesReason(option=A.ANTERIOR_ANTEROLATERAL, stance=S.AGAINST_SUPPORTING),
            text=(
                "An anterior or combined approach is one of the frailty index's items: it added "
                "to predicted complications and mortality."
            ),
            evidence=("delagarzaramos_mstfi_frailty_index",),
        ),
        Rule(
            id="anterior_systemic_risk",
            when=(true(F.IS_MALNOURISHED),),
            effect=GivesReason(option=A.ANTERIOR_ANTEROLATERAL, stance=S.AGAINST_SUPPORTING),
            text=SYSTEMIC_RISK_TEXT,
            evidence=SYSTEMIC_RISK_EVIDENCE,
        ),
        Rule(
            id="anterior_dorsal_disease",
            when=(one_of(F.COMPRESSION_SITE, CompressionSite.POSTERIOR),),
            effect=GivesReason(option=A.ANTERIOR_ANTEROLATERAL, stance=S.AGAINST_STRONG),
            text=DORSAL_TEXT,
            evidence=("bilsky2000_posterolateral_transpedicle",),
            panel_convention=True,
        ),
        Rule(
            id="anterior_hypervascular_embolisation",
            when=(true(F.IS_HYPERVASCULAR),),
            effect=GivesReason(option=A.ANTERIOR_ANTEROLATERAL, stance=S.NOTE),
            text=(
                "Hypervascular tumour: before corpectomy, particle embolisation cut median blood "
                "loss from 4350 mL to about 1800 mL."
            ),
            evidence=("berkefeld1999_embolization_technique",),
        ),
        # === Reasons: percutaneous fixation + corpectomy ======================================
        Rule(
            id="percutaneous_fixation_trial_decompression",
            when=(
                one_of(F.TRIAL, TrialFit.WITHIN),
                one_of(F.DECOMPRESSION, D.URGENT),
                not_true(F.IS_65_OR_OLDER),
            ),
            effect=GivesReason(option=A.PERCUTANEOUS_POSTERIOR_FIXATION, stance=S.FOR_MAJOR),
            text=f"{PATCHELL_FIGURES}.",
            evidence=("patchell2005_rct",),
        ),
        Rule(
            id="percutaneous_fixation_lateral_corpectomy_l1_l3",
            when=(
                one_of(F.LEVEL, Level.L1, Level.L2, Level.L3),
                one_of(F.COMPRESSION_SITE, CompressionSite.ANTERIOR),
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
            ),
            effect=GivesReason(option=A.PERCUTANEOUS_POSTERIOR_FIXATION, stance=S.FOR_SUPPORTING),
            text=(
                "L1-L3 ventral disease: a minimally invasive lateral corpectomy with percutaneous "
                "screws is a described route (19 patients, no wound infections)."
            ),
            evidence=(
                "midlac2016_lateral_corpectomy_mscc",
                "hartke2022_miniopen_lateral_corpectomy",
            ),
        ),
        Rule(
            id="percutaneous_fixation_smaller_incisions_irradiated",
            when=(one_of(F.PRIOR_RADIATION, PriorRadiation.RECENT),),
            effect=GivesReason(option=A.PERCUTANEOUS_POSTERIOR_FIXATION, stance=S.FOR_SUPPORTING),
            text=(
                "Recent radiotherapy to the field: smaller incisions. Minimally invasive fusion "
                "had fewer complications than open surgery in comparative studies (OR 0.51), "
                "not measured in irradiated fields."
            ),
            evidence=("pranata2021_mis_vs_open_fusion_meta",),
        ),
        Rule(
            id="percutaneous_fixation_l4_corpectomy_hard",
            when=(one_of(F.LEVEL, Level.L4),),
            effect=GivesReason(option=A.PERCUTANEOUS_POSTERIOR_FIXATION, stance=S.AGAINST_STRONG),
            text=(
                "L4 corpectomy is done less often because of hard anatomy, and the transpsoas "
                "safe zone is narrowest at L4-L5 with the femoral nerve at risk."
            ),
            evidence=("croci2022_l4_corpectomy", "fourman2022_llif_safe_zone_l4l5"),
        ),
        Rule(
            id="percutaneous_fixation_systemic_risk",
            when=(true(F.IS_MALNOURISHED),),
            effect=GivesReason(
                option=A.PERCUTANEOUS_POSTERIOR_FIXATION, stance=S.AGAINST_SUPPORTING
            ),
            text=SYSTEMIC_RISK_TEXT,
            evidence=SYSTEMIC_RISK_EVIDENCE,
        ),
        Rule(
            id="percutaneous_fixation_dorsal_disease",
            when=(one_of(F.COMPRESSION_SITE, CompressionSite.POSTERIOR),),
            effect=GivesReason(option=A.PERCUTANEOUS_POSTERIOR_FIXATION, stance=S.AGAINST_STRONG),
            text=DORSAL_TEXT,
            evidence=("bilsky2000_posterolateral_transpedicle",),
            panel_convention=True,
        ),
        # === Reasons: endoscopic ==============================================================
        Rule(
            id="endoscopic_decompression_for_unfit",
            when=(
                one_of(F.FITNESS, Fitness.UNFIT),
                one_of(F.DECOMPRESSION, *URGENT_OR_INDICATED),
                one_of(F.FRANKEL_GROUP, FrankelGroup.INCOMPLETE),
            ),
            effect=GivesReason(option=A.ENDOSCOPIC_TRANSPEDICULAR, stance=S.FOR_STRONG),
            text=(
                "Unfit for open surgery, with an incomplete deficit and a cord to free: one unfit "
                "patient with incomplete paralysis walked within 2 months after endoscopic "
                "decompression (a case report; a 29-patient series reported improvement in 62%)."
            ),
            evidence=("li2025_endoscopic_transpedicular", "suvithayasiri2023_endoscopic_29cases"),
        ),
        Rule(
            id="endoscopic_may_destabilise",
            when=(one_of(F.STABILISATION, StabilisationNeed.SURGICAL_OPINION),),
            effect=GivesReason(option=A.ENDOSCOPIC_TRANSPEDICULAR, stance=S.AGAINST_SUPPORTING),
            text=(
                "SINS 7-12: removing a pedicle may destabilise a spine already at risk (panel "
                "convention)."
            ),
            evidence=("fisher2010_sins",),
            panel_convention=True,
        ),
        # === Alerts, in the order they are shown =============================================
        Rule(
            id="alert_time_critical",
            when=(true(F.IS_TIME_CRITICAL), not_known_one_of(F.FITNESS, Fitness.MORIBUND)),
            effect=RaisesAlert(code="time_critical", level=AlertLevel.EMERGENCY),
            text=f"{TIME_CRITICAL}. Contact the spine team now; this tool is not for emergencies.",
            evidence=("hawkins2023_bmj_ng234_summary", "patchell2005_rct"),
        ),
        Rule(
            id="alert_time_critical_moribund",
            when=(true(F.IS_TIME_CRITICAL), one_of(F.FITNESS, Fitness.MORIBUND)),
            effect=RaisesAlert(code="time_critical", level=AlertLevel.EMERGENCY),
            text=(
                f"{TIME_CRITICAL}, in a patient recorded as moribund. If that status came with "
                "the deficit rather than before it, contact the spine team now; if it predates "
                "the deficit, supportive care. This tool is not for emergencies."
            ),
            evidence=("hawkins2023_bmj_ng234_summary", "patchell2005_rct"),
        ),
        Rule(
            id="alert_outside_thoracolumbar_scope",
            when=(one_of(F.REGION, Region.CERVICAL, Region.SACRAL),),
            effect=RaisesAlert(code="outside_thoracolumbar_scope", level=AlertLevel.WARNING),
            text=(
                "A cervical or sacral level: the rules cover thoracic and lumbar levels, so only "
                "non-operative care is weighed here; ask a spine surgeon about the operations."
            ),
            evidence=("li2025_endoscopic_transpedicular", "vargaslopez2015_anterior_anterolateral"),
        ),
        Rule(
            id="alert_examine_neurology",
            when=(unknown(F.FRANKEL_GROUP), one_of(F.ESCC_CLASS, *ANY_ESCC)),
            effect=RaisesAlert(code="examine_neurology", level=AlertLevel.WARNING),
            text=(
                "The Frankel grade is missing: the need was judged as if there were no deficit. "
                "Examine the neurology now."
            ),
            evidence=("frankel1969_grading", "patchell2005_rct"),
        ),
        Rule(
            id="alert_moribund_supportive_care",
            when=(one_of(F.FITNESS, Fitness.MORIBUND),),
            effect=RaisesAlert(code="moribund_supportive_care", level=AlertLevel.WARNING),
            text="Moribund: supportive care; radiotherapy only with a life expectancy of 4 weeks+",
            evidence=("alcorn2024_astro_bone_metastases_ebrt",),
        ),
        Rule(
            id="alert_clinician_fit_but_moribund",
            when=(one_of(F.FITNESS, Fitness.MORIBUND), true(F.FIT_FOR_OPEN_SURGERY)),
            effect=RaisesAlert(code="fitness_override_conflict", level=AlertLevel.WARNING),
            text=(
                "You judged the patient fit for open surgery, but the performance status or "
                "survival estimate says moribund: every operation stays barred. Recheck both."
            ),
            evidence=("alcorn2024_astro_bone_metastases_ebrt",),
        ),
        Rule(
            id="alert_unfit_for_open_surgery",
            when=(one_of(F.FITNESS, Fitness.UNFIT),),
            effect=RaisesAlert(code="unfit_for_open_surgery", level=AlertLevel.WARNING),
            text="Unfit for open surgery",
            evidence=("patchell2005_rct", "karhade_30day_mortality_nsqip_ml"),
        ),
        Rule(
            id="alert_fitness_unknown",
            when=(one_of(F.FITNESS, Fitness.UNKNOWN),),
            effect=RaisesAlert(code="fitness_unknown", level=AlertLevel.INFO),
            text=(
                "Fitness is unknown: give KPS or ECOG (before the deficit), ASA, or your own "
                "judgement; open surgery is at most 'consider' until then."
            ),
            evidence=("laufer2013_noms",),
        ),
        Rule(
            id="alert_performance_may_reflect_deficit",
            when=(
                one_of(F.PERFORMANCE, PerformanceBand.MORIBUND, PerformanceBand.UNFIT),
                one_of(F.FRANKEL, Frankel.A, Frankel.B, Frankel.C),
            ),
            effect=RaisesAlert(code="performance_may_reflect_deficit", level=AlertLevel.WARNING),
            text=(
                "KPS {UNFIT_MAX_KPS} or less with a deficit: if the poor status comes from the "
                "new deficit, enter the status before it; in the trial, patients unable to walk "
                "gained most (62% vs 19% walked again)."
            ),
            evidence=("patchell2005_rct",),
        ),
        Rule(
            id="alert_established_paraplegia",
            when=(true(F.IS_ESTABLISHED_PARAPLEGIA),),
            effect=RaisesAlert(code="established_paraplegia", level=AlertLevel.WARNING),
            text=(
                "Established paraplegia (over {ACUTE_DEFICIT_MAX_HOURS} hours): outside the "
                "trial; non-operative care first, surgery for instability, pain, or selected "
                "patients within a week."
            ),
            evidence=(
                "mescc2024_paralysis_over_48h_surgery",
                "bjj2019_complete_paralysis_surgery_timing",
            ),
        ),
        Rule(
            id="alert_discrete_levels",
            when=(true(F.IS_DISCRETE),),
            effect=RaisesAlert(code="discrete_levels", level=AlertLevel.INFO),
            text=(
                "Discrete levels: radiotherapy to every level first; an operation only for one "
                "dominant symptomatic level or instability."
            ),
            evidence=("alcorn2024_astro_bone_metastases_ebrt", "patchell2005_rct"),
        ),
        Rule(
            id="alert_cauda_equina_level",
            when=(
                one_of(F.LEVEL, Level.L2, Level.L3, Level.L4, Level.L5),
                one_of(F.ESCC_CLASS, *ANY_ESCC),
            ),
            effect=RaisesAlert(code="cauda_equina_level", level=AlertLevel.INFO),
            text=(
                "L2-L5 is a cauda equina level: the Bilsky grade is applied to the thecal sac by "
                "analogy, and the surgical trial (cord compression) does not apply; radiotherapy "
                "evidence covers cord and cauda equina."
            ),
            evidence=(
                "alcorn2024_astro_bone_metastases_ebrt",
                "hoskin2019_scorad_single_vs_multifraction",
            ),
        ),
        Rule(
            id="alert_outside_trial",
            when=(one_of(F.TRIAL, TrialFit.OUTSIDE),),
            effect=RaisesAlert(code="outside_trial", level=AlertLevel.INFO),
            text="Outside the surgical trial's eligibility, so its figures are not applied",
            evidence=("patchell2005_rct",),
        ),
        Rule(
            id="alert_age_65_or_more",
            when=(true(F.IS_65_OR_OLDER), one_of(F.ESCC_CLASS, *CORD_CONTACT_OR_MORE)),
            effect=RaisesAlert(code="age_65_or_more", level=AlertLevel.INFO),
            text=(
                "Aged {TRIAL_AGE_ALERT_FROM_YEARS} or more: the trial's advantage for surgery "
                "shrank with age (lost at an age estimated at 60-70; from 65, radiotherapy alone "
                "did about as well), so its figures are not counted here. Age is not counted as "
                "a surgical risk: frailty predicts it far better (AUC 0.743 vs 0.594)."
            ),
            evidence=("chi2009_age_surgery_mscc", "kazim2022_mfi5_frailty_spinal_tumour_nsqip"),
        ),
        Rule(
            id="alert_no_tissue_diagnosis",
            when=(true(F.LACKS_TISSUE_DIAGNOSIS),),
            effect=RaisesAlert(code="no_tissue_diagnosis", level=AlertLevel.WARNING),
            text=(
                "No tissue diagnosis: obtain tissue and exclude lymphoma, myeloma and germ-cell "
                "tumours. With an urgent need in a fit patient, surgery with biopsy is the "
                "diagnostic step; otherwise image-guided biopsy first."
            ),
            evidence=(
                "quraishi2014_mscc_unknown_primary",
                "wanman2017_mscc_first_sign_of_malignancy",
            ),
        ),
        Rule(
            id="alert_deficit_not_explained_by_grade",
            when=(true(F.HAS_DEFICIT), one_of(F.ESCC_CLASS, EsccClass.LOW_GRADE)),
            effect=RaisesAlert(code="deficit_not_explained_by_grade", level=AlertLevel.WARNING),
            text=(
                "A deficit with Bilsky 0-1b: the grade does not explain it. Re-read the MRI and "
                "consider root or conus causes."
            ),
            evidence=("bilsky2010_escc",),
        ),
        Rule(
            id="alert_progression_after_radiation",
            when=(true(F.IS_PROGRESSING_AFTER_RADIATION),),
            effect=RaisesAlert(code="progression_after_radiation", level=AlertLevel.WARNING),
            text=(
                "Progressing after radiotherapy: the radiosensitive exemption no longer holds "
                "and the trial does not apply. Within about {RECENT_RADIATION_MONTHS} months "
                "repeat radiotherapy is not yet safe (the interval is panel convention); later, "
                "re-irradiation or surgery then SBRT."
            ),
            evidence=(
                "kawashiro2015_imrt_reirradiation_spine",
                "jnsspine2018_postop_sbrt_reirradiation_mescc",
            ),
            panel_convention=True,
        ),
        Rule(
            id="alert_bleeding_risk",
            when=(true(F.HAS_BLEEDING_RISK),),
            effect=RaisesAlert(code="bleeding_risk", level=AlertLevel.WARNING),
            text=(
                "Bleeding risk that cannot be paused or corrected: weigh it against every "
                "operation; endoscopic surgery is at most 'caution'."
            ),
            evidence=("delagarzaramos_mstfi_frailty_index",),
        ),
        Rule(
            id="alert_sins_surgical_opinion",
            when=(one_of(F.STABILISATION, StabilisationNeed.SURGICAL_OPINION),),
            effect=RaisesAlert(code="sins_surgical_opinion", level=AlertLevel.INFO),
            text=(
                "SINS 7-12: ask a spine surgeon whether the spine is stable; SINS 7 or more "
                "picked out unstable lesions with 95.7% sensitivity."
            ),
            evidence=("fourney2011_sins_reliability_validity",),
        ),
        Rule(
            id="alert_en_bloc_referral",
            when=(true(F.IS_EN_BLOC_CANDIDATE), one_of(F.FITNESS, Fitness.FIT)),
            effect=RaisesAlert(code="en_bloc_referral", level=AlertLevel.INFO),
            text=(
                "An isolated metastasis with long expected survival: ask a specialist centre "
                "about en bloc excision. Selected patients did well (70% and 60% alive at 3 and "
                "5 years), but the operation is morbid (66.7% complications, 27.8% local "
                "recurrence)."
            ),
            evidence=(
                "kato2022_spinal_metastasectomy_outcomes",
                "ohashi2018_en_bloc_spondylectomy_metastases",
            ),
        ),
        Rule(
            id="alert_prognostic_disagreement",
            when=(true(F.PROGNOSIS_DISAGREES),),
            effect=RaisesAlert(code="prognostic_disagreement", level=AlertLevel.INFO),
            text=(
                "The prognostic scores disagree with your estimate or with each other. The "
                "gates use your estimate; no survival model was calibrated (best AUC about 0.8)."
            ),
            evidence=(
                "bindels2025_external_validation_12_survival_models",
                "zoccali2016_tokuhashi_pitfalls",
            ),
        ),
        Rule(
            id="alert_kps_from_ecog",
            when=(true(F.KPS_FROM_ECOG),),
            effect=RaisesAlert(code="kps_from_ecog", level=AlertLevel.INFO),
            text=(
                "KPS was read from ECOG with the conventional table; published mappings "
                "disagree at KPS 40-80."
            ),
            evidence=("oken1982_ecog", "ma2010_kps_ecog_pps_interconversion"),
        ),
    )
)
# Each alert code once, in the table's order (two rows may raise one code in two wordings).
ALERT_ORDER: tuple[str, ...] = tuple(
    dict.fromkeys(r.effect.code for r in RULES if isinstance(r.effect, RaisesAlert))
)
