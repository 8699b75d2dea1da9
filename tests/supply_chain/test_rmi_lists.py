"""RMI's smelter lists: the template's look-up sheet, CSV exports, bad rows (issue 7)."""

from __future__ import annotations

from pathlib import Path

from rmi_filling import CMRT_64, LOOKUP_CSV

from esgledger.collect.rmi_lists import read_rmi_list


def test_lookup_sheet_of_64_and_csv_of_65() -> None:
    sheet, problems = read_rmi_list(CMRT_64, conformant=False)
    assert problems == []
    assert len({s.smelter_id for s in sheet}) == 368  # FORMAT.md: 6.4 has 368 ids
    csv_list, problems = read_rmi_list(LOOKUP_CSV, conformant=False)
    ids = {(s.metal, s.smelter_id) for s in csv_list}
    assert problems == [] and len({i for _, i in ids}) == 349
    asahi = {s.standard_name for s in csv_list if s.smelter_id == "CID000082"}
    assert asahi == {"ASAHI METALFINE, Inc."}  # renamed in 6.5 (FORMAT.md)


def test_conformant_list_with_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "conformant.csv"
    path.write_text(
        "Metal,Smelter Reference,Standard Smelter Name,Country Location\n"
        "Gold,CID002763,8853 S.p.A.,Italy\n"
        "Gold,2763,8853 S.p.A.,Italy\n"
        "Zinc,CID009999,Zinc Works,Peru\n",
        encoding="utf-8",
    )
    smelters, problems = read_rmi_list(path, conformant=True)
    assert [(s.smelter_id, s.status, s.country) for s in smelters] == [
        ("CID002763", "Conformant", "ITALY")
    ]
    assert [str(p) for p in problems] == [
        "conformant.csv:3: smelter id '2763' is not an RMI smelter id",
        "conformant.csv:4: metal 'Zinc' unknown",
    ]


def test_list_without_id_column(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Metal,Name\nGold,X\n", encoding="utf-8")
    _, problems = read_rmi_list(path, conformant=True)
    assert str(problems[0]) == "list.csv:1: no column for smelter_id (headers: Metal, Name)"
