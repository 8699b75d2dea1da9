"""Normalising what suppliers type: smelter ids, metals, answers; matching names (issue 7)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from esgledger.calculate.cmrt_rollup import response_band
from esgledger.calculate.smelters import SmelterBook, SmelterStatus, combine
from esgledger.collect.cmrt import choice
from esgledger.collect.cmrt_layout import YES_NO_UNKNOWN, normal_metal
from esgledger.collect.cmrt_smelters import normal_smelter_id
from esgledger.core.problems import Problem
from esgledger.core.supply_chain import RmiSmelter, SmelterEntry, StoredDeclaration


@given(
    number=st.integers(min_value=0, max_value=999_999),
    pad=st.text(alphabet=" \t", max_size=3),
    lower=st.booleans(),
    zeros=st.booleans(),
)
def test_any_typing_of_an_id_normalises_to_six_digits(number, pad, lower, zeros) -> None:
    digits = f"{number:06d}" if zeros else str(number)
    typed = f"{pad}{'cid' if lower else 'CID'}{digits}{pad}"
    assert normal_smelter_id(typed) == f"CID{number:06d}"


def test_values_that_are_not_smelter_ids() -> None:
    for value in (242332.0, "242332", "CID", "CID1234567", "N/A", "", None):
        assert normal_smelter_id(value) is None, value


def test_metal_spellings() -> None:
    cases = {
        "tin": "Tin",
        " Sn ": "Tin",
        "Tantalum  (*)": "Tantalum",
        "钽(*)": "Tantalum",
        "Wolfram": "Tungsten",
        "Gold (Au)": "Gold",
        "Étain": "Tin",
        "cobalt": "Cobalt",
    }
    assert {typed: normal_metal(typed) for typed in cases} == cases
    assert normal_metal("Zinc") is None


def test_answers_map_to_drop_down_constants() -> None:
    assert choice("  yes ", YES_NO_UNKNOWN, "f!D!D26") == "Yes"
    assert choice(1.0, ("100%", "None"), "f!D!D56") == "100%"
    wrong = choice("Maybe", YES_NO_UNKNOWN, "f!Declaration!D26")
    assert isinstance(wrong, Problem) and str(wrong) == (
        "f!Declaration!D26: answer 'Maybe' is not one of: Yes, No, Unknown"
    )


def test_response_bands() -> None:
    bands = {
        Decimal(100): "100%",
        Decimal("90.5"): "Greater than 90%",
        Decimal(90): "Greater than 75%",
        Decimal(51): "Greater than 50%",
        Decimal(50): "50% or less",
        Decimal(0): "None",
        None: "None",
    }
    assert {rate: response_band(rate) for rate in bands} == bands


REFERENCE = [
    RmiSmelter(
        metal="Tin",
        smelter_id="CID001191",
        name="Mitsubishi Materials Corporation",
        standard_name="Mitsubishi Materials Corporation",
        country="JAPAN",
    ),
    RmiSmelter(
        metal="Tin",
        smelter_id="CID001191",
        name="Ikuno Tin Smelter",
        standard_name="Mitsubishi Materials Corporation",
        country="JAPAN",
    ),
    RmiSmelter(
        metal="Gold",
        smelter_id="CID001188",
        name="Mitsubishi Materials Corporation",
        standard_name="Mitsubishi Materials Corporation",
        country="JAPAN",
    ),
]


def _declaration(supplier: str, *entries: SmelterEntry) -> StoredDeclaration:
    return StoredDeclaration(
        id=1,
        period="2025",
        supplier=supplier,
        file=f"{supplier}.xlsx",
        status="complete",
        company="",
        template="CMRT",
        revision="6.5",
        content={},
        problems=(),
        smelters=entries,
    )


def test_matching_by_id_alias_and_misspelling() -> None:
    book = SmelterBook(REFERENCE, [])
    combined = combine(
        [
            _declaration("S1", SmelterEntry(row=5, metal="Tin", smelter_id="CID001191", name="x")),
            _declaration(
                "S2", SmelterEntry(row=5, metal="Tin", smelter_id=None, name="ikuno tin  smelter")
            ),  # alias, case, spaces
            _declaration(
                "S3",
                SmelterEntry(row=5, metal="Tin", smelter_id=None, name="Mitsubishi Materails Corp"),
            ),  # misspelt
            _declaration(
                "S4", SmelterEntry(row=5, metal="Tin", smelter_id="CID001188", name="Mitsubishi")
            ),  # the gold id, listed as tin
        ],
        book,
    )
    known = [s for s in combined if s.smelter_id == "CID001191"]
    assert len(known) == 1 and known[0].suppliers == ("S1", "S2")
    assert known[0].status is SmelterStatus.NOT_CONFORMANT
    misspelt = next(s for s in combined if s.name == "Mitsubishi Materails Corp")
    assert misspelt.status is SmelterStatus.UNKNOWN
    assert misspelt.candidates[0][:2] == ("CID001191", "Mitsubishi Materials Corporation")
    wrong_metal = next(s for s in combined if s.suppliers == ("S4",))
    assert wrong_metal.note == "CID001188 is a Gold smelter, not Tin"
