"""The curated evidence registry: shipped data, lookups, links and rendering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidence import (
    EVIDENCE_LEVELS,
    EvidenceDataError,
    Reference,
    UnknownReferenceError,
    Verification,
    load_registry,
    registry,
)
from evidence.registry import DATA_FILE

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_EVIDENCE = REPO_ROOT.parent / "shared" / "evidence" / "evidence.json"


def raw_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(DATA_FILE.read_bytes())
    return records


def minimal_reference(**fields: Any) -> Reference:
    base: dict[str, Any] = {
        "id": "example",
        "authors": None,
        "title": None,
        "journal": None,
        "year": None,
        "volume": None,
        "issue": None,
        "pages": None,
        "pmid": None,
        "doi": None,
        "design": None,
        "key_finding": "example finding",
        "verification": "verified",
        "source_url": None,
        "notes": None,
    }
    return Reference.model_validate({**base, **fields})


def test_shipped_evidence_is_byte_identical_to_the_shared_curated_file() -> None:
    if not SHARED_EVIDENCE.exists():
        pytest.skip(f"{SHARED_EVIDENCE} not present on this machine")
    assert DATA_FILE.read_bytes() == SHARED_EVIDENCE.read_bytes()


def test_shipped_evidence_lives_inside_the_package() -> None:
    assert DATA_FILE == REPO_ROOT / "evidence" / "data" / "evidence.json"
    assert DATA_FILE.is_file()


def test_every_record_loads_into_the_registry() -> None:
    records = raw_records()
    loaded = load_registry()
    assert len(loaded) == len(records)
    assert [record["id"] for record in records] == list(loaded)
    for record in records:
        reference = loaded[record["id"]]
        assert reference.verification.value == record["verification"]
        assert reference.pmid == record["pmid"]
        assert reference.doi == record["doi"]


def test_registry_is_loaded_once_and_is_the_same_object() -> None:
    assert registry() is registry()


def test_unknown_id_raises_unknown_reference_error_naming_the_id() -> None:
    with pytest.raises(UnknownReferenceError, match="no_such_reference_2099") as caught:
        registry()["no_such_reference_2099"]
    assert caught.value.reference_id == "no_such_reference_2099"


def test_unknown_reference_error_is_a_key_error_so_mapping_get_works() -> None:
    assert issubclass(UnknownReferenceError, KeyError)
    assert registry().get("no_such_reference_2099") is None
    assert "no_such_reference_2099" not in registry()


def test_pubmed_url_is_built_from_the_pmid() -> None:
    patchell = registry()["patchell2005_rct"]
    assert patchell.pmid == "16112300"
    assert patchell.pubmed_url == "https://pubmed.ncbi.nlm.nih.gov/16112300/"


def test_doi_url_is_built_from_the_doi() -> None:
    patchell = registry()["patchell2005_rct"]
    assert patchell.doi == "10.1016/S0140-6736(05)66954-1"
    assert patchell.doi_url == "https://doi.org/10.1016/S0140-6736(05)66954-1"


def test_links_are_absent_without_pmid_or_doi() -> None:
    reference = minimal_reference()
    assert reference.pubmed_url is None
    assert reference.doi_url is None
    assert reference.url is None


def test_url_prefers_pubmed_then_doi_then_first_source_page() -> None:
    assert minimal_reference(pmid="1", doi="10.1/x").url == "https://pubmed.ncbi.nlm.nih.gov/1/"
    assert minimal_reference(doi="10.1/x").url == "https://doi.org/10.1/x"
    assert (
        minimal_reference(source_url="https://a.example/ ; https://b.example/").url
        == "https://a.example/"
    )


def test_every_record_with_a_pmid_or_doi_has_the_matching_link() -> None:
    for reference in registry().values():
        if reference.pmid:
            assert reference.pubmed_url == f"https://pubmed.ncbi.nlm.nih.gov/{reference.pmid}/"
        if reference.doi:
            assert reference.doi_url == f"https://doi.org/{reference.doi}"


def test_vancouver_rendering_of_patchell_has_authors_title_journal_year_and_pmid() -> None:
    text = registry()["patchell2005_rct"].vancouver()
    assert text.startswith("Patchell RA, Tibbs PA, Regine WF")
    assert "Direct decompressive surgical resection in the treatment of spinal cord" in text
    assert "Lancet" in text
    assert "2005;366(9486):643-648" in text
    assert "PMID: 16112300" in text
    assert "doi:10.1016/S0140-6736(05)66954-1" in text


def test_vancouver_lists_six_authors_then_et_al() -> None:
    # Patchell 2005 has eight authors; Vancouver style names the first six.
    text = registry()["patchell2005_rct"].vancouver()
    assert "Kryscio RJ, et al." in text
    assert "Mohiuddin" not in text


def test_vancouver_leaves_out_unknown_fields() -> None:
    text = registry()["pmid23248755_unresolved"].vancouver()
    assert text == "PMID: 23248755."


@pytest.mark.parametrize(
    ("status", "is_checked"),
    [
        (Verification.VERIFIED, True),
        (Verification.PARTIAL, True),
        (Verification.AS_CITED, False),
        (Verification.UNRESOLVED, False),
    ],
)
def test_only_verified_and_partial_records_count_as_checked(
    status: Verification, is_checked: bool
) -> None:
    assert status.is_checked is is_checked


def test_unresolved_seed_citation_is_marked_unresolved_and_not_checked() -> None:
    record = registry()["pmid23248755_unresolved"]
    assert record.verification is Verification.UNRESOLVED
    assert not record.verification.is_checked
    assert "could not be identified" in record.verification_label


def test_every_record_shows_a_verification_label() -> None:
    for reference in registry().values():
        assert reference.verification_label


def test_references_are_frozen() -> None:
    reference = registry()["patchell2005_rct"]
    with pytest.raises(ValueError, match="frozen"):
        reference.year = 2006  # type: ignore[misc]


def test_reference_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError, match="impact_factor"):
        minimal_reference(impact_factor=99)


def test_every_curated_design_has_its_own_level_of_evidence_label() -> None:
    designs = {record["design"] for record in raw_records() if record["design"] is not None}
    assert "guideline" in designs
    ungraded = sorted(d for d in designs if d not in EVIDENCE_LEVELS)
    assert ungraded == []


def test_a_guideline_is_labelled_as_graded_by_its_own_panel() -> None:
    assert minimal_reference(design="guideline").level_of_evidence == (
        "Guideline (graded by its own panel)"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(None, "is missing; restore it from the repository", id="missing"),
        pytest.param(
            b'[{"id": ', "is not valid JSON (line 1, column 9: Expecting value)", id="truncated"
        ),
        pytest.param(b"\xff[]", "is not UTF-8 text", id="not_utf8"),
        pytest.param(b'{"id": "x"}', "expected a list of records at the top level", id="object"),
        pytest.param(
            b'[{"id": "x"}]', "record 1 (id 'x') is not valid: authors: Field", id="field"
        ),
        pytest.param(b"[1]", "record 1 is not valid: ", id="not_a_record"),
    ],
)
def test_unreadable_evidence_data_is_one_line_naming_the_file(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    path = tmp_path / "evidence.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(EvidenceDataError) as raised:
        load_registry(path)
    message = str(raised.value)
    assert message.startswith(f"curated evidence data {str(path)!r} {reason}")
    assert "\n" not in message


def test_repeated_evidence_ids_are_one_line_naming_the_file(tmp_path: Path) -> None:
    record = json.loads(DATA_FILE.read_text(encoding="utf-8"))[0]
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps([record, record]), encoding="utf-8")
    with pytest.raises(EvidenceDataError, match="duplicate evidence ids"):
        load_registry(path)


def test_an_unreadable_evidence_path_names_the_reason(tmp_path: Path) -> None:
    with pytest.raises(EvidenceDataError, match="cannot be read: Is a directory"):
        load_registry(tmp_path)


# --- short labels -----------------------------------------------------------------------------


def test_every_reference_has_a_distinct_label() -> None:
    labels = registry().labels
    assert set(labels) == set(registry())
    assert len(set(labels.values())) == len(labels)


def test_two_papers_with_one_author_and_year_get_letters_in_id_order() -> None:
    labels = registry().labels
    assert labels["laufer2013_noms"] == "Laufer 2013a"
    assert labels["laufer2013_separation_surgery_srs"] == "Laufer 2013b"


@pytest.mark.parametrize(
    ("reference_id", "label"),
    [
        pytest.param("vargaslopez2015_anterior_anterolateral", "Vargas López 2015", id="surname"),
        pytest.param("delagarzaramos_mstfi_frailty_index", "De la Garza Ramos", id="particle"),
        pytest.param("nice2023_ng234_spinal_metastases_mscc", "NICE 2023", id="body_acronym"),
        pytest.param("aofoundation_radiosensitivity", "AO Foundation", id="body_name"),
        pytest.param("pmid23248755_unresolved", "PMID 23248755", id="pmid_only"),
    ],
)
def test_a_label_is_the_surname_or_body_as_cited_never_initials(
    reference_id: str, label: str
) -> None:
    assert registry().labels[reference_id] == label


def test_a_link_says_whether_it_goes_to_pubmed_a_doi_or_another_source() -> None:
    references = registry()
    assert references["patchell2005_rct"].link_kind == "PubMed"
    # Tokuhashi 2005 is linked to an NCBI page with no PMID: it must not pass for PubMed.
    tokuhashi = references["tokuhashi2005_revised"]
    assert tokuhashi.pmid is None
    assert tokuhashi.url is not None
    assert "ncbi.nlm.nih.gov" in tokuhashi.url
    assert tokuhashi.link_kind == "other source"
    doi_only = next(r for r in references.values() if r.doi and not r.pmid)
    assert doi_only.link_kind == "DOI"
