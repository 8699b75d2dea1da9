"""Filled RMI workbooks, built once per test session in a temporary folder.

Filling a real template costs a couple of seconds (openpyxl loads and saves 1.5 MB), so the
few filled files are made once; the variants with mistakes are cheap edited copies of them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from rmi_filling import (
    CMRT_64,
    CMRT_65,
    EMRT_21,
    RMI,
    edited_copy,
    fill_cmrt,
    fill_emrt,
    save_filled,
)

if not CMRT_65.exists():  # the shared folder sits beside every checkout that CI runs
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"RMI reference workbooks missing: {RMI}")
    collect_ignore_glob = ["test_*.py"]  # a clone without ../shared: nothing to test against


def _half_filled(book: openpyxl.Workbook) -> openpyxl.Workbook:
    sheet = book["Declaration"]
    sheet["D8"] = "Half Done Trading Ltd"
    sheet["D9"] = "B. Product (or List of Products)"
    sheet["D16"] = "no-at-sign.example.com"
    sheet["D26"], sheet["D27"] = "Yes", "No"  # Tantalum used, tin not
    sheet["D28"] = "maybe"  # not a drop-down answer
    return book


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name -> file: good CMRT 6.5 / EMRT 2.1, half-filled 6.4, and each kind of mistake."""
    folder = tmp_path_factory.mktemp("cmrt")
    good = save_filled(CMRT_65, folder / "S001_good.xlsx", fill_cmrt)
    files = {
        "good": good,
        "emrt": save_filled(EMRT_21, folder / "S002_emrt.xlsx", fill_emrt),
        "half": save_filled(CMRT_64, folder / "S003_half.xlsx", _half_filled),
    }
    files["old"] = edited_copy(good, folder / "S004_old.xlsx", _revision(b"5.12"))
    files["outdated"] = edited_copy(good, folder / "S009_outdated.xlsx", _revision(b"6.22"))
    files["renamed"] = edited_copy(
        good,
        folder / "S005_renamed.xlsx",
        {
            "xl/workbook.xml": lambda b: b.replace(b'name="Declaration"', b'name="Decl"').replace(
                b'name="Smelter List" sheetId="5" state="visible"',
                b'name="Smelters" sheetId="5" state="hidden"',
            )
        },
    )
    files["encrypted"] = _encrypt(good, folder / "S006_encrypted.xlsx")
    files["text"] = folder / "S007_text.xlsx"
    files["text"].write_text("Supplier,Smelter\nAcme,CID002763\n", encoding="utf-8")
    files["empty"] = folder / "S008_empty.xlsx"
    files["empty"].write_bytes(b"")
    return files


def _revision(number: bytes) -> dict[str, Callable[[bytes], bytes]]:
    """Edits giving the Declaration (J3) and Smelter List (Q3) another revision text."""

    def edit(data: bytes) -> bytes:
        return data.replace(b"Revision 6.5", b"Revision " + number)

    return {"xl/worksheets/sheet4.xml": edit, "xl/worksheets/sheet5.xml": edit}


def _encrypt(source: Path, out: Path) -> Path:
    """The workbook protected with a password to open (Office standard encryption)."""
    encrypted = io.BytesIO()
    with source.open("rb") as plain:
        office = OOXMLFile(plain)
        office.encrypt("supplier-secret", encrypted)
    out.write_bytes(encrypted.getvalue())
    return out
