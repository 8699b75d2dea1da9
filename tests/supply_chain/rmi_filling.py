"""Filling the real RMI templates the way suppliers do, and copying them with small edits.

The blank official workbooks are read from ``../shared/reference/rmi-cmrt/`` beside the
repository (RMI's terms do not let us copy them into it). Answers are English drop-down
constants; the templates stay in the display language they were saved with (Chinese).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
RMI = ROOT.parent / "shared" / "reference" / "rmi-cmrt"
CMRT_65, CMRT_64, EMRT_21 = (
    RMI / n for n in ("RMI_CMRT_6.5.xlsx", "RMI_CMRT_6.4.xlsx", "RMI_EMRT_2.1.xlsx")
)
LOOKUP_CSV = RMI / "cmrt65_smelter_lookup.csv"

COMPANY = {  # CMRT cells; EMRT's are 4 rows lower from D12 on
    "D8": "Hangzhou Example Components Co., Ltd.",
    "D9": "A. Company",
    "D15": "Li Wei",
    "D16": "li.wei@example-components.cn",
    "D17": "+86 571 8888 0000",
    "D18": "Zhang Min",
    "D19": "Compliance Director",
    "D20": "zhang.min@example-components.cn",
}
CMRT_METAL_ROWS = {"Tantalum": 0, "Tin": 1, "Gold": 2, "Tungsten": 3}
QUESTION_ROWS = (26, 32, 38, 44, 50, 56, 62, 68)
USED = ("Yes", "Yes", "No", "No", "No", "100%", "Yes", "Yes")
POLICY = {
    75: "Yes",
    77: "Yes",
    79: "Yes",
    81: "Yes",
    83: "Yes, in conformance with IPC1755 (e.g., CMRT)",
    85: "Yes",
    87: "Yes",
    89: "No",
}

# Smelter List rows as suppliers type them: (A id, B metal, C look-up, D name, E country, F id)
SMELTERS: list[tuple[Any, ...]] = [
    ("CID002763", "Gold", "8853 S.p.A.", None, "ITALY", None),
    (" cid002920 ", "gold", "ABC Refinery Pty Ltd.", None, "AUSTRALIA", None),  # spaces, case
    (
        None,
        "Sn",
        "Smelter not listed",
        "Small Tin Works",
        "BOLIVIA (PLURINATIONAL STATE OF)",
        None,
    ),  # metal symbol, smelter not listed
    (None, "Gold", "8853 S.p.A.", None, "ITALY", "CID002763"),  # duplicate of the first row
    (None, "Tantalum", "AMG Brasil", None, "BRAZIL", "cid 1076"),  # id typed with a space
    (None, "Tin", "Luna Smelter, Ltd.", None, "RWANDA", "CID003387"),  # covered country
    (None, "Wolfram", "Smelter not yet identified", None, None, None),  # German metal name
]


def fill_cmrt(book: Any, smelters: list[tuple[Any, ...]] = SMELTERS) -> Any:
    """A complete, realistic CMRT: company block, 3TG answers, policy, smelters."""
    sheet = book["Declaration"]
    for cell, value in COMPANY.items():
        sheet[cell] = value
    sheet["D22"] = dt.datetime(2025, 3, 31)
    sheet["G77"] = "https://example-components.cn/responsible-minerals"
    for _metal, offset in CMRT_METAL_ROWS.items():
        for row, answer in zip(QUESTION_ROWS, USED, strict=True):
            sheet[f"D{row + offset}"] = answer
    sheet["D40"] = "Yes"  # Gold: sourced from covered countries (Q3)
    for row, answer in POLICY.items():
        sheet[f"D{row}"] = answer
    write_smelters(book["Smelter List"], smelters)
    products = book["Product List"]
    products["B6"], products["C6"] = "HX-100", "Camera module"
    return book


def write_smelters(sheet: Any, smelters: list[tuple[Any, ...]], first: int = 5) -> None:
    """Type smelter rows over the template's formulas (columns A-F), as suppliers paste them."""
    for row, values in enumerate(smelters, start=first):
        for column, value in zip("ABCDEF", values, strict=True):
            sheet[f"{column}{row}"] = value


def fill_emrt(book: Any) -> Any:
    """An EMRT for cobalt and mica only (the other minerals deleted from the scope)."""
    sheet = book["Declaration"]
    for cell, value in COMPANY.items():
        row = int(cell[1:])
        sheet[f"D{row + 4 if row >= 12 else row}"] = value
    sheet["D26"] = "2025-04-30"  # a text date, as suppliers type it
    for cell, mineral in zip(
        ("D12", "E12", "G12", "D13", "E13", "G13"),
        ("Cobalt", "Copper", "Graphite", "Lithium", "Mica", "Nickel"),
        strict=True,
    ):
        sheet[cell] = mineral if mineral in ("Cobalt", "Mica") else f"(Delete {mineral})"
    answers = ("Yes", "Yes", "No", "No", "Greater than 90%", "Yes", "Yes")
    for base, answer in zip((30, 42, 54, 66, 78, 90, 102), answers, strict=True):
        sheet[f"D{base}"] = answer  # Cobalt
        sheet[f"D{base + 1}"] = answer if base < 42 else None  # Mica: Q1 Yes, Q2 ...
    sheet["D43"] = "No"  # Mica does not remain in the product: Q3-Q7 optional
    for row in (115, 117, 131, 135, 137):
        sheet[f"D{row}"] = "Yes"
    sheet["G117"] = "https://example-components.cn/policy"
    sheet["D120"], sheet["D121"] = "Yes", "Yes, when more processors are validated"
    sheet["D133"] = "Yes, in conformance with IPC1755 (e.g. EMRT)"
    write_smelters(
        book["Smelter List"],
        [(None, "cobalt", "Smelter not listed", "Example Cobalt Refinery", "FINLAND", None)],
    )
    return book


def save_filled(template: Path, out: Path, fill: Callable[[Any], Any]) -> Path:
    """Load a blank template, fill it and save it to ``out``."""
    book = openpyxl.load_workbook(template)
    fill(book).save(out)
    return out


def edited_copy(source: Path, out: Path, edits: dict[str, Callable[[bytes], bytes]]) -> Path:
    """Copy a workbook, rewriting some of its zip members (a cheap way to vary a real file)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename in edits:
                data = edits[item.filename](data)
            dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out
