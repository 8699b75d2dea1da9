"""The shipped reporting frameworks, their loader and the GRI 2016 -> 2021 crosswalk."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from esgledger.core.frameworks import (
    SERIES,
    Framework,
    available_frameworks,
    load_crosswalk,
    load_framework,
    map_disclosure,
    read_framework,
)
from esgledger.errors import CatalogError

FRAMEWORKS = ("gri-2016", "gri-2021")


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> Framework:
    return load_framework(request.param)


def test_both_frameworks_are_available_and_load() -> None:
    assert set(FRAMEWORKS) <= set(available_frameworks())
    assert "gri-2016-to-2021" not in available_frameworks()
    for framework_id in FRAMEWORKS:
        framework = load_framework(framework_id)
        assert framework.id == framework_id
        assert framework.publisher.startswith("Global Reporting Initiative")
    assert load_framework("gri-2016").year_published == 2016
    assert load_framework("gri-2021").year_published == 2021


def test_load_framework_is_cached() -> None:
    assert load_framework("gri-2016") is load_framework("gri-2016")


def test_disclosure_counts() -> None:
    assert len(load_framework("gri-2016")) == 140  # 303 and 403 in their 2016 versions
    assert len(load_framework("gri-2021")) == 122


def test_gri_102_has_56_disclosures() -> None:
    gri_102 = load_framework("gri-2016").resolve("102")
    assert [d.code for d in gri_102] == [f"102-{n}" for n in range(1, 57)]


def test_gri_2_has_30_and_gri_3_has_3_disclosures() -> None:
    gri_2021 = load_framework("gri-2021")
    assert len(gri_2021.resolve("2")) == 30
    assert [d.code for d in gri_2021.resolve("GRI 3")] == ["3-1", "3-2", "3-3"]


@pytest.mark.parametrize(
    ("framework_id", "code", "title"),
    [
        ("gri-2016", "302-1", "Energy consumption within the organization"),
        ("gri-2016", "305-1", "Direct (Scope 1) GHG emissions"),
        ("gri-2016", "404-1", "Average hours of training per year per employee"),
        ("gri-2016", "102-48", "Restatements of information"),
        ("gri-2016", "306-2", "Waste by type and disposal method"),
        ("gri-2016", "303-1", "Water withdrawal by source"),
        ("gri-2021", "403-9", "Work-related injuries"),
        ("gri-2021", "2-4", "Restatements of information"),
        ("gri-2021", "306-3", "Waste generated"),
        ("gri-2021", "3-3", "Management of material topics"),
    ],
)
def test_known_titles(framework_id: str, code: str, title: str) -> None:
    assert load_framework(framework_id).get(code).title == title


def test_disclosure_carries_its_standard() -> None:
    energy = load_framework("gri-2016").get("302-1")
    assert energy.standard_code == "GRI 302"
    assert energy.standard_title == "Energy 2016"
    assert energy.topic == "Energy"
    assert energy.series == "environmental"
    assert load_framework("gri-2016").get("102-1").topic is None


def test_later_versions_are_named_in_standard_titles() -> None:
    gri_2016 = load_framework("gri-2016")
    assert gri_2016.get("303-1").standard_title == "Water 2016"
    assert gri_2016.get("403-2").standard_title == "Occupational Health and Safety 2016"
    assert load_framework("gri-2021").get("303-3").standard_title == "Water and Effluents 2018"
    assert gri_2016.get("207-1").standard_title == "Tax 2019"
    assert gri_2016.get("306-1").standard_title == "Effluents and Waste 2016"
    assert load_framework("gri-2021").get("306-1").standard_title == "Waste 2020"


def test_get_accepts_gri_prefix_and_contains(framework: Framework) -> None:
    first = framework.disclosures[0]
    assert framework.get(f"GRI {first.code}") == first
    assert first.code in framework
    assert f" GRI {first.code} " in framework
    assert "999-1" not in framework
    assert 3021 not in framework


def test_iteration_follows_file_order(framework: Framework) -> None:
    assert tuple(framework) == framework.disclosures


def test_resolve_standard_code_returns_its_disclosures() -> None:
    gri_2016 = load_framework("gri-2016")
    assert [d.code for d in gri_2016.resolve("307")] == ["307-1"]
    assert [d.code for d in gri_2016.resolve("202")] == ["202-1", "202-2"]
    assert [d.code for d in gri_2016.resolve("GRI 307")] == ["307-1"]
    assert [d.code for d in gri_2016.resolve("305-2")] == ["305-2"]


def test_resolve_unknown_standard_hints() -> None:
    with pytest.raises(CatalogError, match="did you mean"):
        load_framework("gri-2016").resolve("309")


def test_unknown_code_raises_catalog_error_with_near_match() -> None:
    with pytest.raises(CatalogError, match=r"'302-7'.*did you mean.*302-"):
        load_framework("gri-2016").get("302-7")
    with pytest.raises(CatalogError, match="102-5"):
        load_framework("gri-2016").get("102-57")


def test_catalog_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        load_framework("gri-2021").get("102-1")


def test_unknown_framework_hints() -> None:
    with pytest.raises(CatalogError, match="gri-2016"):
        load_framework("gri-2061")


def test_codes_are_unique_and_match_their_standard(framework: Framework) -> None:
    codes = [d.code for d in framework]
    assert len(codes) == len(set(codes))
    for disclosure in framework:
        match = re.fullmatch(r"(\d+)-(\d+)", disclosure.code)
        assert match, disclosure.code
        assert disclosure.standard_code == f"GRI {match.group(1)}"
        assert disclosure.series in SERIES
        assert disclosure.title and disclosure.title == disclosure.title.strip()


def test_disclosures_are_numbered_consecutively(framework: Framework) -> None:
    for standard in framework.standards():
        numbers = [int(d.code.split("-")[1]) for d in standard.disclosures]
        assert numbers == list(range(1, len(numbers) + 1)), standard.code


def test_topic_standards_have_topic_and_series(framework: Framework) -> None:
    for standard in framework.standards():
        if int(standard.number) >= 200:
            assert standard.topic, standard.code
            assert (
                standard.series
                == {"2": "economic", "3": "environmental", "4": "social"}[standard.number[0]]
            )


def test_standards_are_ordered() -> None:
    codes = [s.code for s in load_framework("gri-2016").standards()]
    assert codes[:4] == ["GRI 102", "GRI 103", "GRI 201", "GRI 202"]
    assert codes[-1] == "GRI 419"
    assert len(codes) == len(set(codes)) == 36


def test_types_are_frozen() -> None:
    framework = load_framework("gri-2016")
    with pytest.raises(dataclasses.FrozenInstanceError):
        framework.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        framework.disclosures[0].title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("102-48", ("2-4",)),
        ("102-1", ("2-1",)),
        ("102-40", ("2-29",)),
        ("102-47", ("3-2",)),
        ("103-1", ("3-3",)),
        ("102-56", ("2-5",)),
        ("102-55", ()),
        ("302-1", ("302-1",)),
        ("GRI 404-1", ("404-1",)),
    ],
)
def test_map_disclosure(code: str, expected: tuple[str, ...]) -> None:
    assert map_disclosure(code) == expected


def test_map_disclosure_refuses_changed_standard_versions() -> None:
    with pytest.raises(CatalogError, match="Effluents and Waste 2016"):
        map_disclosure("306-2")


def test_map_disclosure_unknown_inputs() -> None:
    with pytest.raises(CatalogError, match="did you mean"):
        map_disclosure("102-57")
    with pytest.raises(CatalogError, match="no crosswalk"):
        map_disclosure("2-4", source="gri-2021", target="gri-2016")


def test_crosswalk_covers_every_general_and_management_disclosure() -> None:
    crosswalk = load_crosswalk("gri-2016", "gri-2021")
    listed = {entry.source_code for entry in crosswalk.entries}
    universal = {d.code for d in load_framework("gri-2016") if d.standard_number in ("102", "103")}
    assert listed == universal
    assert any(entry.inferred for entry in crosswalk.entries)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "framework: demo\ntitle: Demo\npublisher: Us\nyear_published: 2020\n"


def test_read_framework_names_file_and_entry_on_bad_code(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "demo.yaml",
        HEADER + "standards:\n  - code: GRI 302\n    title: Energy 2016\n    topic: Energy\n"
        "    series: environmental\n    disclosures:\n"
        '      - {code: "302-1", title: A}\n      - {code: "303-2", title: B}\n',
    )
    with pytest.raises(CatalogError, match=r"demo\.yaml, standard #1 \(GRI 302\), disclosure #2"):
        read_framework(path)


def test_read_framework_rejects_missing_topic_and_duplicates(tmp_path: Path) -> None:
    no_topic = _write(
        tmp_path / "demo.yaml",
        HEADER + "standards:\n  - code: GRI 302\n    title: Energy 2016\n"
        '    series: environmental\n    disclosures:\n      - {code: "302-1", title: A}\n',
    )
    with pytest.raises(CatalogError, match="needs a topic"):
        read_framework(no_topic)
    twice = _write(
        tmp_path / "demo.yaml",
        HEADER + "standards:\n  - code: GRI 102\n    title: General\n    series: general\n"
        '    disclosures:\n      - {code: "102-1", title: A}\n'
        '      - {code: "102-1", title: B}\n',
    )
    with pytest.raises(CatalogError, match="102-1 is listed twice"):
        read_framework(twice)


def test_read_framework_rejects_unknown_fields_and_series(tmp_path: Path) -> None:
    bad_series = _write(
        tmp_path / "demo.yaml",
        HEADER + "standards:\n  - code: GRI 102\n    title: General\n    series: misc\n"
        '    disclosures:\n      - {code: "102-1", title: A}\n',
    )
    with pytest.raises(CatalogError, match="series 'misc'"):
        read_framework(bad_series)
    extra = _write(tmp_path / "demo.yaml", HEADER + "standards: []\nversion: 2\n")
    with pytest.raises(CatalogError, match="unknown field"):
        read_framework(extra)
