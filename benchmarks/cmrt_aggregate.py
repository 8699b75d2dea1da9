"""Benchmark: import and aggregate 2,000 supplier CMRTs (issue 7). Target: under 2 minutes.

Run: `python benchmarks/cmrt_aggregate.py [--files 2000] [--jobs 0] [--corpus DIR]`
(or `python benchmarks/run.py --cmrt`).

The corpus is made from the real RMI templates in ../shared/reference/rmi-cmrt: one filled
base file per variant (CMRT 6.5 and 6.4, written with esgledger's own CMRT writer, 40 smelter
rows with placeholder ids), then each supplier file is a copy whose Smelter List gets smelter ids
drawn from RMI's look-up list (a few per file left unknown). The corpus is kept in --corpus and
reused by later runs. Files are written by openpyxl, so formula cells carry no cached values;
files saved by Excel also cache ``""`` in the 2,500 empty Smelter List rows and read a little
slower.

Measured in the same run:
* **esgledger**: `cmrt import` of every file into a fresh SQLite ledger (read, normalise,
  completeness rules, store) plus the combined smelter list (`cmrt smelters`);
* **floor**: calamine opening each file and reading its Declaration and Smelter List sheets,
  nothing else (the least any reader of these files must do), in as many processes;
* **openpyxl**: `openpyxl.load_workbook(read_only=True, data_only=True)` reading the same two
  sheets, one process, on a sample of files, extrapolated to files/s.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import struct
import tempfile
import time
import zipfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from esgledger.calculate.supply_chain_state import supply_chain_state
from esgledger.collect.cmrt import Declaration
from esgledger.collect.cmrt_export import write_declaration
from esgledger.collect.cmrt_import import import_declarations
from esgledger.collect.cmrt_layout import CMRT
from esgledger.collect.rmi_lists import read_rmi_list
from esgledger.core.model import calendar_year
from esgledger.core.supply_chain import SmelterEntry, Supplier
from esgledger.store.ledger import Ledger
from esgledger.store.supply_chain import replace_rmi_list, save_suppliers

RMI = Path(__file__).resolve().parents[2] / "shared" / "reference" / "rmi-cmrt"
ROWS_PER_METAL = 10
SHEET = "xl/worksheets/sheet5.xml"  # the Smelter List in files written by openpyxl


def placeholder(metal_index: int, i: int) -> str:
    """A 9-character id to be replaced in the copies (``CID9mmnnn``)."""
    return f"CID9{metal_index:02d}{i:03d}"


def base_declaration() -> Declaration:
    smelters = [
        SmelterEntry(
            row=5 + m * ROWS_PER_METAL + i,
            metal=metal,
            smelter_id=placeholder(m, i),
            name=f"Smelter {m}-{i}",
            lookup_name="",
        )
        for m, metal in enumerate(CMRT.metals)
        for i in range(ROWS_PER_METAL)
    ]
    answers = {
        metal: {
            "1": "Yes",
            "2": "Yes",
            "3": "No",
            "4": "No",
            "5": "No",
            "6": "100%",
            "7": "Yes",
            "8": "Yes",
        }
        for metal in CMRT.metals
    }
    policy = {k: "Yes" for k in "ABCDFG"} | {
        "E": "Yes, in conformance with IPC1755 (e.g., CMRT)",
        "H": "No",
    }
    details = {
        "contact_name": "Li Wei",
        "contact_email": "li@example.com",
        "contact_phone": "+86 571 0",
        "authorizer": "Zhang",
        "authorizer_email": "z@e.com",
    }
    import datetime as dt

    return Declaration(
        file="",
        template="CMRT",
        revision="6.5",
        language="English",
        company="Supplier",
        scope="A. Company",
        details=details,
        effective_date=dt.date(2025, 3, 31),
        metals=CMRT.metals,
        answers=answers,
        policy=policy,
        policy_url="https://example.com",
        smelters=tuple(smelters),
        products=(),
    )


def ids_by_metal() -> dict[str, list[str]]:
    ids: dict[str, set[str]] = {}
    with (RMI / "cmrt65_smelter_lookup.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["smelter_id"]:
                ids.setdefault(row["metal"], set()).add(row["smelter_id"])
    return {metal: sorted(found) for metal, found in ids.items()}


def raw_members(base: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Each member of a zip with its compressed bytes, to copy without recompressing."""
    members = []
    with zipfile.ZipFile(base) as archive, base.open("rb") as handle:
        for item in archive.infolist():
            handle.seek(item.header_offset)
            header = handle.read(30)
            skip = struct.unpack("<HH", header[26:30])
            members.append((item, handle.read(sum(skip)) and handle.read(item.compress_size)))
    return members


def write_zip(out: Path, entries: list[tuple[str, int, int, int, bytes]]) -> None:
    """A zip of (name, crc, compressed size, size, deflated bytes) entries."""
    central = []
    with out.open("wb") as handle:
        for name, crc, packed, size, data in entries:
            offset, encoded = handle.tell(), name.encode()
            handle.write(
                struct.pack(
                    "<IHHHHHIIIHH",
                    0x04034B50,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    crc,
                    packed,
                    size,
                    len(encoded),
                    0,
                )
                + encoded
                + data
            )
            central.append(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    crc,
                    packed,
                    size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
        start, directory = handle.tell(), b"".join(central)
        handle.write(
            directory
            + struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0
            )
        )


_BASES: dict[Path, list[tuple[zipfile.ZipInfo, bytes]]] = {}


def make_copy(job: tuple[Path, Path, int]) -> None:
    """A supplier file: the base with other smelter ids (and its own company name)."""
    base, out, seed = job
    rng = random.Random(seed)
    pool = ids_by_metal_cached()
    if base not in _BASES:
        _BASES[base] = raw_members(base)
    entries = []
    for item, raw in _BASES[base]:
        if item.filename != SHEET:
            entries.append((item.filename, item.CRC, item.compress_size, item.file_size, raw))
            continue
        data = zlib.decompress(raw, -15)
        for m, metal in enumerate(CMRT.metals):
            for i, cid in enumerate(rng.sample(pool[metal], ROWS_PER_METAL)):
                unknown = rng.random() < 0.02  # an id RMI does not know
                new = f"CID{rng.randrange(900000, 999999)}" if unknown else cid
                data = data.replace(placeholder(m, i).encode(), new.encode())
        packer = zlib.compressobj(1, zlib.DEFLATED, -15)
        packed = packer.compress(data) + packer.flush()
        entries.append((item.filename, zlib.crc32(data), len(packed), len(data), packed))
    write_zip(out, entries)


_IDS: dict[str, list[str]] = {}


def ids_by_metal_cached() -> dict[str, list[str]]:
    if not _IDS:
        _IDS.update(ids_by_metal())
    return _IDS


def build_corpus(folder: Path, count: int, jobs: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"S{n:05d}_supplier.xlsx" for n in range(count)]
    missing = [f for f in files if not f.exists()]
    if not missing:
        return files
    bases = []
    for template in ("RMI_CMRT_6.5.xlsx", "RMI_CMRT_6.4.xlsx"):
        base = folder / f"base-{template}"
        if not base.exists():
            write_declaration(RMI / template, base_declaration(), base)
        bases.append(base)
    started = time.perf_counter()
    work = [(bases[int(f.stem[1:6]) % 2], f, int(f.stem[1:6])) for f in missing]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(make_copy, work, chunksize=16))
    print(f"corpus: {len(missing)} files written in {time.perf_counter() - started:.0f} s")
    return files


def floor_read(path: Path) -> int:
    book = CalamineWorkbook.from_path(str(path))
    book.get_sheet_by_name("Declaration").to_python(skip_empty_area=False)
    return len(book.get_sheet_by_name("Smelter List").to_python(skip_empty_area=False))


def openpyxl_read(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in book["Declaration"].iter_rows(max_row=90, max_col=10))
    rows += sum(1 for _ in book["Smelter List"].iter_rows(min_row=5, max_row=2504, max_col=17))
    book.close()
    return rows


def esgledger_aggregate(files: list[Path], jobs: int) -> tuple[int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger.open(Path(tmp) / "bench.db")
        ledger.add_periods([calendar_year(2025)])
        reference, _ = read_rmi_list(RMI / "cmrt65_smelter_lookup.csv", conformant=False)
        replace_rmi_list(ledger, "reference", reference, source="lookup")
        register = [
            Supplier(code=f.stem.split("_")[0], name=f"Supplier {f.stem}", conflict_minerals=True)
            for f in files
        ]
        save_suppliers(ledger, register, file="bench", user="bench")
        outcomes = import_declarations(ledger, files, period="2025", user="bench", jobs=jobs)
        state = supply_chain_state(ledger, "2025")
        ledger.close()
    complete = sum(o.status == "complete" for o in outcomes)
    return complete, len(state.combined)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=0, help="processes (0 = one per CPU)")
    parser.add_argument("--sample", type=int, default=40, help="files for the openpyxl baseline")
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir()) / "esgledger-cmrt-corpus"
    )
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    files = build_corpus(args.corpus, args.files, jobs)

    started = time.perf_counter()
    complete, smelters = esgledger_aggregate(files, jobs)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(floor_read, files, chunksize=16))
    floor = time.perf_counter() - started
    sample = files[: args.sample]
    started = time.perf_counter()
    for path in sample:
        openpyxl_read(path)
    baseline = (time.perf_counter() - started) / len(sample) * len(files)

    print(
        f"{len(files)} supplier CMRTs, {jobs} processes: {complete} complete, "
        f"{smelters} distinct smelters in the combined list"
    )
    print(
        f"esgledger import + combined list: {ours:7.1f} s  {len(files) / ours:6.1f} files/s"
        f"  (target < 120 s: {'met' if ours < 120 else 'MISSED'})"
    )
    print(
        f"floor (calamine, 2 sheets):      {floor:7.1f} s  {len(files) / floor:6.1f} files/s"
        f"  esgledger/floor = {ours / floor:.2f}x"
    )
    print(
        f"openpyxl read-only, 1 process:   {baseline:7.1f} s  {len(files) / baseline:6.1f} "
        f"files/s  (extrapolated from {len(sample)} files)  openpyxl/esgledger = "
        f"{baseline / ours:.1f}x"
    )


if __name__ == "__main__":
    main()
