"""The rules as a data table: id, option, direction, strength, condition, text, evidence.

A condition is a conjunction of clauses over the derived facts (``rules.facts``);
an empty condition always holds. The table is checked when this module is
imported: an unknown fact, an unknown evidence id, a duplicate rule id, a rule
without evidence or a rule resting only on an unresolved record fails at once.
How fired rules become verdicts is documented in ``rules.engine``.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from evidence import registry
from rules.facts import LOW_ALBUMIN_BELOW_G_DL, Facts, Region
from rules.scores import SINS_BANDS, SINS_INDETERMINATE, SINS_STABLE, SINS_UNSTABLE


class Approach(StrEnum):
    """The five options the tool always weighs."""

    ANTERIOR_ANTEROLATERAL = "anterior_anterolateral"
    PERCUTANEOUS_POSTERIOR_FIXATION = "percutaneous_posterior_fixation"
    POSTERIOR_ONLY = "posterior_only"
    ENDOSCOPIC_TRANSPEDICULAR = "endoscopic_transpedicular"
    NON_OPERATIVE = "non_operative"


APPROACH_LABELS: dict[Approach, str] = {
    Approach.ANTERIOR_ANTEROLATERAL: "Anterior / anterolateral approach",
    Approach.PERCUTANEOUS_POSTERIOR_FIXATION: (
        "Percutaneous posterior fixation with an anterior or lateral approach"
    ),
    Approach.POSTERIOR_ONLY: "Posterior-only approach (decompression, central cage, fusion)",
    Approach.ENDOSCOPIC_TRANSPEDICULAR: "Endoscopic transpedicular decompression",
    Approach.NON_OPERATIVE: "Non-operative care (radiotherapy, systemic and supportive care)",
}
APPROACH_SHORT_LABELS: dict[Approach, str] = {
    Approach.ANTERIOR_ANTEROLATERAL: "Anterior / anterolateral",
    Approach.PERCUTANEOUS_POSTERIOR_FIXATION: "Percutaneous fixation + anterior/lateral",
    Approach.POSTERIOR_ONLY: "Posterior-only",
    Approach.ENDOSCOPIC_TRANSPEDICULAR: "Endoscopic transpedicular",
    Approach.NON_OPERATIVE: "Non-operative care",
}
SURGICAL_APPROACHES: tuple[Approach, ...] = tuple(
    approach for approach in Approach if approach is not Approach.NON_OPERATIVE
)


class Direction(StrEnum):
    """Whether a reason speaks for or against an option, or only informs."""

    FOR = "for"
    AGAINST = "against"
    NOTE = "note"


class Strength(StrEnum):
    """How much a reason weighs; the weights live in ``rules.engine``."""

    SUPPORTING = "supporting"
    STRONG = "strong"
    MAJOR = "major"
    PROHIBITIVE = "prohibitive"
    SCOPE = "scope"
    INFORMATION = "information"


class Test(StrEnum):
    """How a clause tests its fact."""

    TRUE = "true"
    FALSE = "false"
    NOT_TRUE = "not_true"
    ONE_OF = "one_of"


class Clause(BaseModel):
    """One test of one derived fact."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fact: str
    test: Test
    values: tuple[str, ...] = ()

    def holds(self, facts: Facts) -> bool:
        """True only when the fact settles the test."""
        value = getattr(facts, self.fact)
        if self.test is Test.TRUE:
            return value is True
        if self.test is Test.FALSE:
            return value is False
        if self.test is Test.NOT_TRUE:
            return value is not True
        return value is not None and str(value) in self.values

    def in_words(self) -> str:
        """The clause as a clinician would say it."""
        phrase = FACT_WORDS[self.fact]
        if self.test is Test.TRUE:
            return phrase
        if self.test is Test.FALSE:
            return f"not ({phrase})"
        if self.test is Test.NOT_TRUE:
            return f"not known that {phrase}"
        return f"{phrase} is {' or '.join(self.values)}"


_UNSTABLE = next(band for band in SINS_BANDS if band.label == SINS_UNSTABLE)
_STABLE = next(band for band in SINS_BANDS if band.label == SINS_STABLE)
_INDETERMINATE = next(band for band in SINS_BANDS if band.label == SINS_INDETERMINATE)
FACT_WORDS: dict[str, str] = {
    "level": "the index level",
    "region": "the region",
    "is_unstable": f"the spine is unstable (SINS {_UNSTABLE.low}-{_UNSTABLE.high})",
    "is_stable": f"the spine is stable (SINS {_STABLE.low}-{_STABLE.high})",
    "is_indeterminate_stability": (
        f"stability is indeterminate (SINS {_INDETERMINATE.low}-{_INDETERMINATE.high})"
    ),
    "has_high_grade_escc": "compression is high grade (Bilsky 2-3)",
    "has_low_grade_escc": "compression is low grade (Bilsky 0-1b)",
    "has_cord_contact": "the tumour touches or compresses the cord (Bilsky 1c-3)",
    "has_incomplete_paralysis": "paralysis is incomplete (Frankel C-D)",
    "has_complete_motor_loss": "motor function below the lesion is lost (Frankel A-B)",
    "has_mechanical_pain": "the pain is mechanical",
    "is_radiosensitive": "the tumour is radiosensitive",
    "is_radioresistant": "the tumour is radioresistant",
    "is_hypervascular": "the tumour is hypervascular",
    "survival_under_3_months": "expected survival is under 3 months",
    "survival_under_6_months": "expected survival is under 6 months",
    "survival_12_months_or_more": "expected survival is a year or more",
    "is_tomita_terminal": "the Tomita score is 8-10 (terminal care)",
    "has_solitary_bone_metastasis": "the index lesion is the only bone metastasis",
    "has_visceral_metastases": "there are metastases in major internal organs",
    "field_previously_irradiated": "the operative field has already been irradiated",
    "has_tenuous_wound_healing": (
        "wound healing is tenuous (recent radiation, cachexia or albumin under "
        f"{LOW_ALBUMIN_BELOW_G_DL} g/dL)"
    ),
    "has_poor_performance": "performance status is poor (KPS 40 or less)",
    "can_tolerate_open_surgery": (
        "the patient can tolerate open surgery (no KPS 40 or less, survival under 3 months "
        "or end-stage disease with cachexia)"
    ),
    "compression_site": "the compression site",
}


def true(fact: str) -> Clause:
    """The fact is settled as true."""
    return Clause(fact=fact, test=Test.TRUE)


def false(fact: str) -> Clause:
    """The fact is settled as false."""
    return Clause(fact=fact, test=Test.FALSE)


def not_true(fact: str) -> Clause:
    """The fact is false or unknown."""
    return Clause(fact=fact, test=Test.NOT_TRUE)


def one_of(fact: str, *values: str) -> Clause:
    """The fact is known and is one of the values."""
    return Clause(fact=fact, test=Test.ONE_OF, values=values)


class Rule(BaseModel):
    """One row of the rule table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    option: Approach
    direction: Direction
    strength: Strength
    when: tuple[Clause, ...] = Field(default=())
    text: str
    evidence: tuple[str, ...] = Field(min_length=1)

    def applies(self, facts: Facts) -> bool:
        """Whether every clause holds for these facts."""
        return all(clause.holds(facts) for clause in self.when)

    def condition_in_words(self) -> str:
        """The whole condition in words."""
        if not self.when:
            return "always"
        return " and ".join(clause.in_words() for clause in self.when)


A = Approach
FOR, AGAINST, NOTE = Direction.FOR, Direction.AGAINST, Direction.NOTE
OUT_OF_SCOPE_REGIONS = (Region.CERVICAL.value, Region.SACRAL.value)
VENTRAL_SITES = ("anterior", "circumferential")
LATERAL_CORPECTOMY_LUMBAR_LEVELS = ("L1", "L2", "L3")
WOUND_EVIDENCE = (
    "ghogawala2001_preop_rt_wound",
    "jarvers2021_wound_postop_rt",
    "keam2014_preop_igrt_wound",
    "schoenfeld2016_nesms_nsqip",
)
SEED_FRAIL_EVIDENCE = ("li2025_endoscopic_transpedicular", "patchell2005_rct")
# Patchell 2005 enrolled patients with a deficit but excluded paraplegia of over 48 hours,
# radiosensitive tumours and earlier radiation that ruled out the study dose; motor-complete
# grades (Frankel A-B) and an irradiated field get a note instead. Most histologies have no
# settled radiosensitivity (lung and breast were in the trial), hence "not known to be".
PATCHELL_BASE = (
    true("has_high_grade_escc"),
    true("has_incomplete_paralysis"),
    true("can_tolerate_open_surgery"),
    not_true("is_radiosensitive"),
)
PATCHELL_CONDITION = (*PATCHELL_BASE, not_true("field_previously_irradiated"))
NO_OPERATIVE_INDICATION = (true("has_low_grade_escc"), true("is_stable"))
NOT_ADVISABLE = (
    "Open surgery is not advisable for this patient (KPS 40 or less, expected survival "
    "under 3 months, or end-stage disease with cachexia)"
)

_SCOPE_RULES: tuple[Rule, ...] = tuple(
    Rule(
        id=f"{approach.value}_outside_thoracolumbar_scope",
        option=approach,
        direction=AGAINST,
        strength=Strength.SCOPE,
        when=(one_of("region", *OUT_OF_SCOPE_REGIONS),),
        text=(
            "These rules were built from thoracic and lumbar evidence; at a cervical or sacral "
            "level this operation is not assessed."
        ),
        evidence=("li2025_endoscopic_transpedicular", "vargaslopez2015_anterior_anterolateral"),
    )
    for approach in SURGICAL_APPROACHES
)

_NO_INDICATION_RULES: tuple[Rule, ...] = tuple(
    Rule(
        id=f"{approach.value}_no_indication_low_grade_stable",
        option=approach,
        direction=AGAINST,
        strength=Strength.MAJOR,
        when=NO_OPERATIVE_INDICATION,
        text=(
            "Low-grade compression (Bilsky 0-1b) in a stable spine (SINS 0-6): there is no cord "
            "compression to relieve and no instability to fix, and radiation comes first."
        ),
        evidence=("bilsky2010_escc", "fisher2010_sins", "laufer2013_noms"),
    )
    for approach in (
        Approach.ANTERIOR_ANTEROLATERAL,
        Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
        Approach.POSTERIOR_ONLY,
    )
)

_RADIOSENSITIVE_STABLE_RULES: tuple[Rule, ...] = tuple(
    Rule(
        id=f"{approach.value}_radiosensitive_tumour_radiotherapy_first",
        option=approach,
        direction=AGAINST,
        strength=Strength.SUPPORTING,
        when=(true("is_radiosensitive"), false("is_unstable")),
        text=(
            "The tumour is radiosensitive and the spine is not unstable: radiotherapy comes "
            "first whatever the grade of compression, keeping surgery for instability or "
            "failure of radiotherapy."
        ),
        evidence=("laufer2013_noms", "aofoundation_radiosensitivity"),
    )
    for approach in SURGICAL_APPROACHES
)

RULES: tuple[Rule, ...] = (
    *_SCOPE_RULES,
    *_NO_INDICATION_RULES,
    *_RADIOSENSITIVE_STABLE_RULES,
    # --- anterior / anterolateral --------------------------------------------------------
    Rule(
        id="anterior_reaches_vertebral_body_directly",
        option=A.ANTERIOR_ANTEROLATERAL,
        direction=NOTE,
        strength=Strength.INFORMATION,
        text=(
            "Corpectomy through a thoracotomy, thoracoabdominal or retroperitoneal exposure "
            "reaches disease in the vertebral body directly."
        ),
        evidence=("vargaslopez2015_anterior_anterolateral",),
    ),
    Rule(
        id="anterior_major_surgery_morbidity",
        option=A.ANTERIOR_ANTEROLATERAL,
        direction=AGAINST,
        strength=Strength.SUPPORTING,
        text=(
            "A corpectomy through the chest or the retroperitoneum is major surgery; the source "
            "describing this approach warns of real morbidity and mortality, so the expected "
            "gain has to justify it."
        ),
        evidence=("vargaslopez2015_anterior_anterolateral",),
    ),
    Rule(
        id="anterior_ventral_compression_direct_access",
        option=A.ANTERIOR_ANTEROLATERAL,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=(one_of("compression_site", *VENTRAL_SITES),),
        text=(
            "The compression comes from the front, where this approach removes the tumour "
            "under direct vision."
        ),
        evidence=("vargaslopez2015_anterior_anterolateral",),
    ),
    Rule(
        id="anterior_dorsal_compression_out_of_reach",
        option=A.ANTERIOR_ANTEROLATERAL,
        direction=AGAINST,
        strength=Strength.STRONG,
        when=(one_of("compression_site", "posterior"),),
        text=(
            "The compression is dorsal; an anterior corpectomy is aimed at ventral disease and "
            "does not reach it."
        ),
        evidence=(
            "vargaslopez2015_anterior_anterolateral",
            "bilsky2000_posterolateral_transpedicle",
        ),
    ),
    Rule(
        id="anterior_decompression_restores_walking_in_fit_patient",
        option=A.ANTERIOR_ANTEROLATERAL,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=PATCHELL_CONDITION,
        text=(
            "High-grade compression with an incomplete deficit in a patient who can tolerate "
            "surgery: in the randomised trial, 84% were walking after decompression plus "
            "radiotherapy against 57% after radiotherapy alone, and they walked for longer."
        ),
        evidence=("patchell2005_rct", "vargaslopez2015_anterior_anterolateral"),
    ),
    Rule(
        id="anterior_long_survival_solitary_lesion_favours_excision",
        option=A.ANTERIOR_ANTEROLATERAL,
        direction=FOR,
        strength=Strength.STRONG,
        when=(
            true("survival_12_months_or_more"),
            true("has_solitary_bone_metastasis"),
            false("has_visceral_metastases"),
        ),
        text=(
            "One bone lesion, no metastases in major organs and a year or more to live favour "
            "removing the tumour rather than palliating it; of the operations weighed here, an "
            "anterior corpectomy clears the most vertebral-body tumour (en bloc resection is "
            "outside this tool)."
        ),
        evidence=("tokuhashi2005_revised", "tomita2001_surgical_strategy"),
    ),
    Rule(
        id="anterior_needs_patient_fit_for_major_surgery",
        option=A.ANTERIOR_ANTEROLATERAL,
        direction=AGAINST,
        strength=Strength.PROHIBITIVE,
        when=(false("can_tolerate_open_surgery"),),
        text=(
            f"{NOT_ADVISABLE}; a thoracotomy or retroperitoneal corpectomy is major surgery "
            "that needs a fit patient with time to recover."
        ),
        evidence=("vargaslopez2015_anterior_anterolateral", "patchell2005_rct"),
    ),
    Rule(
        id="anterior_short_survival_limits_benefit",
        option=A.ANTERIOR_ANTEROLATERAL,
        direction=AGAINST,
        strength=Strength.STRONG,
        when=(true("survival_under_6_months"),),
        text=(
            "Expected survival under 6 months leaves little time to recover from, and benefit "
            "from, a major anterior operation."
        ),
        evidence=("tokuhashi2005_revised", "tomita2001_surgical_strategy"),
    ),
    Rule(
        id="anterior_hypervascular_consider_embolisation",
        option=A.ANTERIOR_ANTEROLATERAL,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("is_hypervascular"),),
        text=(
            "Hypervascular tumour: plan preoperative angiography and consider embolisation; "
            "before corpectomy, particle embolisation cut median blood loss from 4350 mL to "
            "about 1800 mL, and in a randomised trial before posterior surgery it lowered blood "
            "loss in hypervascular metastases (645 vs 902 mL)."
        ),
        evidence=("berkefeld1999_embolization_technique", "clausen2015_embolization_rct"),
    ),
    # --- percutaneous posterior fixation + anterior/lateral ------------------------------
    Rule(
        id="percutaneous_screws_spare_muscle",
        option=A.PERCUTANEOUS_POSTERIOR_FIXATION,
        direction=NOTE,
        strength=Strength.INFORMATION,
        text=(
            "Percutaneous screws avoid a long incision and muscle stripping: for the screw "
            "fixation itself a series reported a median blood loss of 100 mL and most walking "
            "within 3 days; the corpectomy adds to this (about 390 mL a level in a lateral "
            "series)."
        ),
        evidence=(
            "versteeg2016_ppsf_complications",
            "kwan2016_mist_percutaneous",
            "midlac2016_lateral_corpectomy_mscc",
        ),
    ),
    Rule(
        id="percutaneous_lumbar_lateral_corpectomy_established",
        option=A.PERCUTANEOUS_POSTERIOR_FIXATION,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=(one_of("level", *LATERAL_CORPECTOMY_LUMBAR_LEVELS), true("has_cord_contact")),
        text=(
            "From L1 to L3, a minimally invasive lateral corpectomy with percutaneous screws is "
            "a described route: in a series of 19 patients with cord compression there were no "
            "wound infections and about a third gained a Frankel grade."
        ),
        evidence=("midlac2016_lateral_corpectomy_mscc", "hartke2022_miniopen_lateral_corpectomy"),
    ),
    Rule(
        id="l4_l5_lateral_corpectomy_difficult",
        option=A.PERCUTANEOUS_POSTERIOR_FIXATION,
        direction=AGAINST,
        strength=Strength.STRONG,
        when=(one_of("level", "L4", "L5"),),
        text=(
            "A minimally invasive lateral corpectomy is very hard at L4 and L5: the iliac crest "
            "is in the way, the lumbar plexus and femoral nerve lie in the path, and the "
            "transpsoas safe zone is narrowest at L4-L5; in reported L4 corpectomies 19% had "
            "complications, femoral nerve and root injuries among them."
        ),
        evidence=(
            "croci2022_l4_corpectomy",
            "fourman2022_llif_safe_zone_l4l5",
            "hartke2022_miniopen_lateral_corpectomy",
        ),
    ),
    Rule(
        id="percutaneous_fixation_restores_stability",
        option=A.PERCUTANEOUS_POSTERIOR_FIXATION,
        direction=FOR,
        strength=Strength.STRONG,
        when=(true("is_unstable"),),
        text=(
            "The spine is unstable; fixation restores stability whatever the radiosensitivity "
            "of the tumour."
        ),
        evidence=("fisher2010_sins", "laufer2013_noms"),
    ),
    Rule(
        id="percutaneous_small_incisions_when_wound_healing_tenuous",
        option=A.PERCUTANEOUS_POSTERIOR_FIXATION,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=(true("has_tenuous_wound_healing"),),
        text=(
            "Wound healing is tenuous; stab incisions for the screws avoid the long wound of an "
            "open posterior construct."
        ),
        evidence=("kimball2013_mis_decompression", "versteeg2016_ppsf_complications"),
    ),
    Rule(
        id="percutaneous_corpectomy_needs_fit_patient",
        option=A.PERCUTANEOUS_POSTERIOR_FIXATION,
        direction=AGAINST,
        # Major, not prohibitive: the screws are minimally invasive and the lateral
        # corpectomy smaller than an open one, so the option stays open to discussion.
        strength=Strength.MAJOR,
        when=(false("can_tolerate_open_surgery"),),
        text=(
            f"{NOT_ADVISABLE}; the anterior or lateral corpectomy that goes with the screws is "
            "still a major operation."
        ),
        evidence=("patchell2005_rct", "midlac2016_lateral_corpectomy_mscc"),
    ),
    Rule(
        id="percutaneous_hypervascular_consider_embolisation",
        option=A.PERCUTANEOUS_POSTERIOR_FIXATION,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("is_hypervascular"),),
        text=(
            "Hypervascular tumour: in the lateral corpectomy series blood loss was 391 mL a "
            "level, 102 mL once renal-cell cases were left out; consider preoperative "
            "embolisation, which lowered blood loss in hypervascular metastases in a "
            "randomised trial (645 vs 902 mL)."
        ),
        evidence=("midlac2016_lateral_corpectomy_mscc", "clausen2015_embolization_rct"),
    ),
    Rule(
        id="percutaneous_extent_scaled_to_short_survival",
        option=A.PERCUTANEOUS_POSTERIOR_FIXATION,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("survival_under_6_months"),),
        text=(
            "With a short expected survival, the extent of minimally invasive surgery is "
            "commonly scaled down; patients with a Tomita score under 8 lived longer after it."
        ),
        evidence=("kwan2016_mist_percutaneous", "kimball2013_mis_decompression"),
    ),
    # --- posterior only ----------------------------------------------------------------------
    Rule(
        id="posterior_only_single_incision_circumferential",
        option=A.POSTERIOR_ONLY,
        direction=NOTE,
        strength=Strength.INFORMATION,
        text=(
            "A transpedicular approach decompresses the cord all round, places a central cage "
            "and fuses two levels above and below, all from one posterior incision."
        ),
        evidence=("wang2004_pta_140", "bilsky2000_posterolateral_transpedicle"),
    ),
    Rule(
        id="posterior_only_standard_for_ventral_compression",
        option=A.POSTERIOR_ONLY,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=(one_of("compression_site", *VENTRAL_SITES),),
        text=(
            "It is the usual operation for ventral cord compression from metastatic tumour; in "
            "a series of 140 patients pain improved and neurology improved or held in 96%."
        ),
        evidence=("wang2004_pta_140", "bilsky2000_posterolateral_transpedicle"),
    ),
    Rule(
        id="posterior_only_decompression_restores_walking_in_fit_patient",
        option=A.POSTERIOR_ONLY,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=PATCHELL_CONDITION,
        text=(
            "High-grade compression with an incomplete deficit in a patient who can tolerate "
            "surgery: in the randomised trial, 84% were walking after decompression plus "
            "radiotherapy against 57% after radiotherapy alone, and they walked for longer."
        ),
        evidence=("patchell2005_rct", "wang2004_pta_140"),
    ),
    Rule(
        id="posterior_only_separation_surgery_for_radioresistant_high_grade",
        option=A.POSTERIOR_ONLY,
        direction=FOR,
        strength=Strength.STRONG,
        when=(true("has_high_grade_escc"), true("is_radioresistant")),
        text=(
            "High-grade compression from a radioresistant tumour: separation surgery followed "
            "by high-dose stereotactic radiosurgery (1-year local progression 4.1% after "
            "24-30 Gy in 3 fractions)."
        ),
        evidence=("laufer2013_noms", "laufer2013_separation_surgery_srs", "bilsky2010_escc"),
    ),
    Rule(
        id="posterior_only_stabilises_unstable_spine",
        option=A.POSTERIOR_ONLY,
        direction=FOR,
        strength=Strength.STRONG,
        when=(true("is_unstable"),),
        text="The spine is unstable; the posterior construct stabilises it as it decompresses.",
        evidence=("fisher2010_sins", "laufer2013_noms"),
    ),
    Rule(
        id="posterior_only_long_incision_with_tenuous_wound_healing",
        option=A.POSTERIOR_ONLY,
        direction=AGAINST,
        strength=Strength.STRONG,
        when=(true("has_tenuous_wound_healing"),),
        text=(
            "A long midline incision with wide muscle dissection is a hazard when wound healing "
            "is tenuous. A series reported as cited (its record is not verified) found major "
            "wound complications in 32% after preoperative radiation against 12% without; "
            "wound problems are common after open stabilisation (17% in a verified series), "
            "though high-dose hypofractionated radiation showed no excess in another."
        ),
        evidence=WOUND_EVIDENCE,
    ),
    Rule(
        id="posterior_only_needs_patient_fit_for_open_surgery",
        option=A.POSTERIOR_ONLY,
        direction=AGAINST,
        strength=Strength.PROHIBITIVE,
        when=(false("can_tolerate_open_surgery"),),
        text=(f"{NOT_ADVISABLE}; a long posterior decompression and fusion is a major operation."),
        evidence=SEED_FRAIL_EVIDENCE,
    ),
    Rule(
        id="posterior_only_complete_motor_loss_duration_matters",
        option=A.POSTERIOR_ONLY,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("has_complete_motor_loss"),),
        text=(
            "Motor function below the lesion is lost: the randomised trial of surgery left out "
            "patients paraplegic for more than 48 hours, so its benefit holds only for a recent "
            "loss; ask how long it has lasted."
        ),
        evidence=("patchell2005_rct",),
    ),
    Rule(
        id="posterior_only_paralysis_may_explain_poor_performance",
        option=A.POSTERIOR_ONLY,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(
            true("has_poor_performance"),
            true("has_incomplete_paralysis"),
            true("has_high_grade_escc"),
        ),
        text=(
            "Performance status is poor, but if the paralysis is what keeps the patient in bed "
            "it may recover after decompression: in the randomised trial 62% of those not "
            "walking at entry walked again after surgery, against 19% after radiotherapy alone."
        ),
        evidence=("patchell2005_rct",),
    ),
    Rule(
        id="posterior_only_hypervascular_consider_embolisation",
        option=A.POSTERIOR_ONLY,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("is_hypervascular"),),
        text=(
            "Hypervascular tumour: consider preoperative embolisation; in a randomised trial "
            "it shortened surgery overall and lowered blood loss in hypervascular metastases "
            "(645 vs 902 mL)."
        ),
        evidence=("clausen2015_embolization_rct", "berkefeld1999_embolization_technique"),
    ),
    # --- endoscopic transpedicular -----------------------------------------------------------
    Rule(
        id="endoscopic_evidence_is_thin",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=NOTE,
        strength=Strength.INFORMATION,
        text=(
            "Support for this operation comes from a single case report and a few small "
            "series; treat it as an option for selected patients, not a standard."
        ),
        evidence=("li2025_endoscopic_transpedicular", "suvithayasiri2023_endoscopic_29cases"),
    ),
    Rule(
        id="endoscopic_palliation_when_open_surgery_not_tolerated",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=FOR,
        strength=Strength.STRONG,
        when=(false("can_tolerate_open_surgery"), true("has_cord_contact")),
        text=(
            "The tumour presses on the cord and open surgery is not advisable for this patient; "
            "endoscopic decompression through a small portal is a palliative option for them."
        ),
        evidence=("li2025_endoscopic_transpedicular", "kimball2013_mis_decompression"),
    ),
    Rule(
        id="endoscopic_incomplete_paralysis_with_cord_compression",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=(
            true("has_incomplete_paralysis"),
            true("has_cord_contact"),
            false("can_tolerate_open_surgery"),
        ),
        text=(
            "Incomplete paralysis from cord compression: in the case report and a series of 29, "
            "pain and neurology improved after endoscopic decompression (62% gained a grade)."
        ),
        evidence=("li2025_endoscopic_transpedicular", "suvithayasiri2023_endoscopic_29cases"),
    ),
    Rule(
        id="endoscopic_small_wound_when_healing_tenuous",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=(true("has_tenuous_wound_healing"),),
        text=(
            "Wound healing is tenuous; an endoscopic portal leaves a small wound where a long "
            "open incision would be at risk."
        ),
        evidence=("kimball2013_mis_decompression", "suvithayasiri2023_endoscopic_29cases"),
    ),
    Rule(
        id="endoscopic_frail_sarcoma_case_cited_by_seed",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("has_tenuous_wound_healing"), false("can_tolerate_open_surgery")),
        text=(
            "A similar case (end-stage sarcoma, recent radiation, cachexia, intractable pain) "
            "was cited as favouring a less invasive operation over a posterior construct; the "
            "cited record could not be identified, and a comparable minimally invasive series "
            "is given beside it."
        ),
        evidence=("pmid23248755_unresolved", "kimball2013_mis_decompression"),
    ),
    Rule(
        id="endoscopic_lumbar_experience_limited",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(one_of("region", Region.LUMBAR.value),),
        text=(
            "The transpedicular case report was thoracic; lumbar endoscopic experience comes "
            "from small series, some for radicular pain only."
        ),
        evidence=(
            "telfeian_endoscopic_longterm_survivors",
            "suvithayasiri2023_endoscopic_29cases",
        ),
    ),
    Rule(
        id="endoscopic_decompression_does_not_stabilise",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=AGAINST,
        strength=Strength.MAJOR,
        when=(true("is_unstable"),),
        text=(
            "The spine is unstable; endoscopic decompression does not stabilise it, so fixation "
            "would be needed as well."
        ),
        evidence=("fisher2010_sins",),
    ),
    Rule(
        id="endoscopic_indeterminate_stability",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=AGAINST,
        strength=Strength.SUPPORTING,
        when=(true("is_indeterminate_stability"),),
        text=(
            "Stability is indeterminate (SINS 7-12), which calls for a surgical opinion; "
            "endoscopic decompression would not stabilise a spine that proves unstable."
        ),
        evidence=("fisher2010_sins",),
    ),
    Rule(
        id="endoscopic_survival_under_3_months",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=AGAINST,
        strength=Strength.STRONG,
        when=(true("survival_under_3_months"),),
        text=(
            "Expected survival is under 3 months: the patient in the case report took about "
            "2 months to walk unaided, and the randomised trial of surgery left out patients "
            "expected to live less than 3 months."
        ),
        evidence=("li2025_endoscopic_transpedicular", "patchell2005_rct"),
    ),
    Rule(
        id="endoscopic_hypervascular_consider_embolisation",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("is_hypervascular"),),
        text=(
            "Hypervascular tumour: consider preoperative embolisation before resecting tumour; "
            "in a randomised trial it lowered blood loss in hypervascular metastases "
            "(645 vs 902 mL)."
        ),
        evidence=("clausen2015_embolization_rct", "nair2013_embolization_series"),
    ),
    Rule(
        id="endoscopic_fit_patient_has_better_tested_options",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=AGAINST,
        strength=Strength.SUPPORTING,
        when=(true("can_tolerate_open_surgery"),),
        text=(
            "The patient can tolerate open surgery, for which the evidence is far stronger, "
            "including a randomised trial."
        ),
        evidence=("patchell2005_rct", "li2025_endoscopic_transpedicular"),
    ),
    Rule(
        id="endoscopic_no_cord_contact_nothing_to_decompress",
        option=A.ENDOSCOPIC_TRANSPEDICULAR,
        direction=AGAINST,
        strength=Strength.STRONG,
        when=(true("has_low_grade_escc"),),
        text=(
            "Compression is low grade (Bilsky 0-1b); radiation comes first and there is little "
            "to decompress."
        ),
        evidence=("bilsky2010_escc", "laufer2013_noms"),
    ),
    # --- non-operative ---------------------------------------------------------------------
    Rule(
        id="non_operative_noms_framework",
        option=A.NON_OPERATIVE,
        direction=NOTE,
        strength=Strength.INFORMATION,
        text=(
            "Conventional or stereotactic radiotherapy, systemic therapy and supportive care, "
            "chosen with the neurologic, oncologic, mechanical and systemic (NOMS) assessment."
        ),
        evidence=("laufer2013_noms",),
    ),
    Rule(
        id="non_operative_radiosensitive_tumour",
        option=A.NON_OPERATIVE,
        direction=FOR,
        strength=Strength.STRONG,
        when=(true("is_radiosensitive"), not_true("is_unstable")),
        text=(
            "The tumour is radiosensitive; conventional radiotherapy comes first whatever the "
            "grade of compression, as long as the spine is not unstable (grade SINS if it is "
            "not given)."
        ),
        evidence=("laufer2013_noms", "aofoundation_radiosensitivity"),
    ),
    Rule(
        id="non_operative_low_grade_compression_stable_spine",
        option=A.NON_OPERATIVE,
        direction=FOR,
        strength=Strength.STRONG,
        when=NO_OPERATIVE_INDICATION,
        text=(
            "Low-grade compression (Bilsky 0-1b) in a stable spine (SINS 0-6): radiation is "
            "the first treatment."
        ),
        evidence=("bilsky2010_escc", "fisher2010_sins", "laufer2013_noms"),
    ),
    Rule(
        id="non_operative_indeterminate_stability_needs_surgical_opinion",
        option=A.NON_OPERATIVE,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("is_indeterminate_stability"),),
        text=(
            "Stability is indeterminate (SINS 7-12): ask a spine surgeon whether the spine "
            "needs fixing before choosing radiation alone."
        ),
        evidence=("fisher2010_sins",),
    ),
    Rule(
        id="non_operative_survival_under_3_months",
        option=A.NON_OPERATIVE,
        direction=FOR,
        strength=Strength.STRONG,
        when=(true("survival_under_3_months"),),
        text=(
            "Expected survival is under 3 months, below the threshold for which surgery was "
            "shown to help in the randomised trial."
        ),
        evidence=("patchell2005_rct", "tokuhashi2005_revised"),
    ),
    Rule(
        id="non_operative_survival_under_6_months",
        option=A.NON_OPERATIVE,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=(true("survival_under_6_months"),),
        text=(
            "Expected survival is under 6 months; the revised Tokuhashi treatment guide "
            "(as reproduced by a secondary source) favours conservative care then, keeping "
            "palliative surgery for selected patients."
        ),
        evidence=("tokuhashi2005_revised",),
    ),
    Rule(
        id="non_operative_tomita_terminal_care",
        option=A.NON_OPERATIVE,
        direction=FOR,
        strength=Strength.SUPPORTING,
        when=(true("is_tomita_terminal"),),
        text=(
            "A Tomita score in its terminal-care band points to supportive, non-operative care "
            "(the Tomita bands come from a secondary source, not yet checked against the "
            "original paper)."
        ),
        evidence=("tomita2001_surgical_strategy", "tokuhashi2014_wjo_review"),
    ),
    Rule(
        id="non_operative_mechanical_pain_consider_cement",
        option=A.NON_OPERATIVE,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("has_mechanical_pain"), false("is_unstable")),
        text=(
            "Mechanical pain without gross instability: percutaneous cement augmentation can "
            "be added to radiation."
        ),
        evidence=("laufer2013_noms",),
    ),
    Rule(
        id="non_operative_high_grade_deficit_surgery_walks_more",
        option=A.NON_OPERATIVE,
        direction=AGAINST,
        strength=Strength.MAJOR,
        when=PATCHELL_CONDITION,
        text=(
            "High-grade compression with an incomplete deficit in a patient who can tolerate "
            "surgery: after radiotherapy alone fewer were walking (57% vs 84%) and walking "
            "lasted a median 13 days against 122 with surgery first."
        ),
        evidence=("patchell2005_rct",),
    ),
    Rule(
        id="non_operative_irradiated_field_outside_trial",
        option=A.NON_OPERATIVE,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(*PATCHELL_BASE, true("field_previously_irradiated")),
        text=(
            "This field has already been irradiated: the randomised trial that favoured "
            "surgery first left out patients whose earlier radiation ruled out its dose, so its "
            "walking figures may not apply here."
        ),
        evidence=("patchell2005_rct",),
    ),
    Rule(
        id="non_operative_radioresistant_high_grade_needs_separation",
        option=A.NON_OPERATIVE,
        direction=AGAINST,
        strength=Strength.SUPPORTING,
        when=(
            true("has_high_grade_escc"),
            true("is_radioresistant"),
            true("can_tolerate_open_surgery"),
        ),
        text=(
            "High-grade compression from a radioresistant tumour responds poorly to "
            "radiotherapy alone; separation surgery before radiosurgery is preferred."
        ),
        evidence=("laufer2013_noms", "bilsky2010_escc"),
    ),
    Rule(
        id="non_operative_complete_motor_loss_duration_matters",
        option=A.NON_OPERATIVE,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("has_complete_motor_loss"),),
        text=(
            "Motor function below the lesion is lost: whether surgery first would do better "
            "than radiotherapy depends on how long the paraplegia has lasted; the trial that "
            "showed the benefit took only patients within 48 hours of it."
        ),
        evidence=("patchell2005_rct",),
    ),
    Rule(
        id="non_operative_radiotherapy_still_follows_stabilisation",
        option=A.NON_OPERATIVE,
        direction=NOTE,
        strength=Strength.INFORMATION,
        when=(true("is_radiosensitive"), true("is_unstable")),
        text=(
            "The tumour is radiosensitive: once the spine is stabilised, radiotherapy still "
            "treats it. The verdict here is against radiotherapy alone, not against radiotherapy."
        ),
        evidence=("laufer2013_noms", "aofoundation_radiosensitivity"),
    ),
    Rule(
        id="non_operative_unstable_spine",
        option=A.NON_OPERATIVE,
        direction=AGAINST,
        strength=Strength.MAJOR,
        when=(true("is_unstable"),),
        text=(
            "The spine is unstable (SINS 13-18); radiotherapy does not restore stability, so "
            "surgical stabilisation should be considered."
        ),
        evidence=("fisher2010_sins", "laufer2013_noms"),
    ),
)


@cache
def rules_for(option: Approach) -> tuple[Rule, ...]:
    """The rows of the table that speak about one option (computed once per option)."""
    return tuple(rule for rule in RULES if rule.option is option)


def _check_table(rules: tuple[Rule, ...]) -> None:
    """Fail at import on anything the engine could not honour."""
    references = registry()
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ValueError(f"rule id {rule.id!r} appears twice")
        seen.add(rule.id)
        for clause in rule.when:
            if clause.fact not in Facts.model_fields:
                raise ValueError(f"rule {rule.id!r} tests unknown fact {clause.fact!r}")
            if clause.fact not in FACT_WORDS:
                raise ValueError(f"fact {clause.fact!r} used by {rule.id!r} has no words")
        statuses = [references[reference_id].verification for reference_id in rule.evidence]
        if not any(status.is_checked for status in statuses):
            raise ValueError(f"rule {rule.id!r} rests only on unchecked evidence")
    for option in Approach:
        if not any(not rule.when for rule in rules_for(option)):
            raise ValueError(f"option {option.value!r} has no reason that always applies")


_check_table(RULES)
