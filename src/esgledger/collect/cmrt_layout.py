"""Cell maps of the RMI reporting templates: CMRT 6.x (3TG) and EMRT 2.x (extended minerals).

Everything here is read at fixed cells, never by label text: the labels change with the
template's display language, the answers chosen from drop-downs are English constants in every
language. The maps follow the blank templates published by the Responsible Minerals Initiative
(CMRT 6.4 of 26 April 2024, CMRT 6.5 of 25 April 2025, EMRT 2.1 of 17 October 2025).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

YES_NO = ("Yes", "No")
YES_NO_UNKNOWN = ("Yes", "No", "Unknown")
SUPPLIER_SHARES = (
    "100%",
    "Greater than 90%",
    "Greater than 75%",
    "Greater than 50%",
    "50% or less",
    "None",
)

NOT_LISTED = "Smelter not listed"
NOT_IDENTIFIED = "Smelter not yet identified"


@dataclass(frozen=True, kw_only=True)
class Question:
    """A per-metal question of the Declaration sheet.

    Attributes:
        number: question number as printed (``1`` ... ``8``).
        row: the answer row of the first metal (CMRT: Tantalum; EMRT: first mineral in scope).
        choices: the drop-down constants accepted as answers.
        gates: True when a ``No`` here makes the later questions of that metal optional.
    """

    number: int
    row: int
    choices: tuple[str, ...]
    gates: bool = False


@dataclass(frozen=True, kw_only=True)
class CompanyQuestion:
    """A company-level question (A-H), answered once in column D (per mineral for EMRT C)."""

    letter: str
    row: int
    choices: tuple[str, ...]
    per_metal: bool = False


@dataclass(frozen=True, kw_only=True)
class Layout:
    """Where a template keeps each answer.

    Attributes:
        template: ``CMRT`` or ``EMRT``.
        major: the template generation this map is valid for (CMRT 6, EMRT 2).
        current: the newest revision known to esgledger.
        metals: the metals in the order of the question rows (EMRT: minerals in scope, sorted).
        company_cells: field -> cell of the company block on the Declaration sheet.
        required_company: fields the template's Checker requires.
        scope_minerals: EMRT only - the cells selecting the minerals in scope.
        questions: the per-metal questions.
        company_questions: questions A-H (A-G for EMRT).
        smelter_rows: first and last data row of the Smelter List.
        product_rows: first and last data row of the Product List.
        extra_sheets: sheets this template has beyond the common ones.
    """

    template: str
    major: int
    current: str
    metals: tuple[str, ...]
    company_cells: dict[str, str]
    required_company: tuple[str, ...]
    scope_minerals: tuple[str, ...]
    questions: tuple[Question, ...]
    company_questions: tuple[CompanyQuestion, ...]
    smelter_rows: tuple[int, int]
    product_rows: tuple[int, int]
    extra_sheets: tuple[str, ...] = ()


_COMPANY_FIELDS = (
    "company",
    "scope",
    "scope_description",
    "company_id",
    "company_id_authority",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "authorizer",
    "authorizer_title",
    "authorizer_email",
    "authorizer_phone",
    "effective_date",
)
_REQUIRED = (
    "company",
    "scope",
    "contact_name",
    "contact_email",
    "contact_phone",
    "authorizer",
    "authorizer_email",
    "effective_date",
)
SCOPES = (
    "A. Company",
    "B. Product (or List of Products)",
    "C. User defined [Specify in 'Description of scope']",
)


def _cells(rows: tuple[int, ...]) -> dict[str, str]:
    return {field: f"D{row}" for field, row in zip(_COMPANY_FIELDS, rows, strict=True)}


CMRT = Layout(
    template="CMRT",
    major=6,
    current="6.5",
    metals=("Tantalum", "Tin", "Gold", "Tungsten"),
    company_cells=_cells((8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22)),
    required_company=_REQUIRED,
    scope_minerals=(),
    questions=(
        Question(number=1, row=26, choices=YES_NO, gates=True),
        Question(number=2, row=32, choices=YES_NO, gates=True),
        Question(number=3, row=38, choices=YES_NO_UNKNOWN),
        Question(number=4, row=44, choices=YES_NO_UNKNOWN),
        Question(number=5, row=50, choices=YES_NO_UNKNOWN),
        Question(number=6, row=56, choices=SUPPLIER_SHARES),
        Question(number=7, row=62, choices=YES_NO),
        Question(number=8, row=68, choices=YES_NO),
    ),
    company_questions=(
        CompanyQuestion(letter="A", row=75, choices=YES_NO),
        CompanyQuestion(letter="B", row=77, choices=YES_NO),
        CompanyQuestion(letter="C", row=79, choices=YES_NO),
        CompanyQuestion(letter="D", row=81, choices=YES_NO),
        CompanyQuestion(
            letter="E",
            row=83,
            choices=(
                "Yes, in conformance with IPC1755 (e.g., CMRT)",
                "Yes, using other format (describe)",
                "No",
            ),
        ),
        CompanyQuestion(letter="F", row=85, choices=YES_NO),
        CompanyQuestion(letter="G", row=87, choices=YES_NO),
        CompanyQuestion(
            letter="H",
            row=89,
            choices=("Yes, with the SEC", "Yes, with the EU", "Yes, with the SEC and the EU", "No"),
        ),
    ),
    smelter_rows=(5, 2504),
    product_rows=(6, 2005),
)

EMRT = Layout(
    template="EMRT",
    major=2,
    current="2.1",
    metals=("Cobalt", "Copper", "Graphite", "Lithium", "Mica", "Nickel"),
    company_cells=_cells((8, 9, 10, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26)),
    required_company=_REQUIRED,
    scope_minerals=("D12", "E12", "G12", "D13", "E13", "G13"),
    questions=(
        Question(number=1, row=30, choices=(*YES_NO_UNKNOWN, "Not declaring"), gates=True),
        Question(number=2, row=42, choices=YES_NO_UNKNOWN, gates=True),
        Question(number=3, row=54, choices=YES_NO_UNKNOWN),
        Question(number=4, row=66, choices=YES_NO_UNKNOWN),
        Question(number=5, row=78, choices=(*SUPPLIER_SHARES, "Did not survey")),
        Question(number=6, row=90, choices=YES_NO_UNKNOWN),
        Question(number=7, row=102, choices=YES_NO_UNKNOWN),
    ),
    company_questions=(
        CompanyQuestion(letter="A", row=115, choices=YES_NO),
        CompanyQuestion(letter="B", row=117, choices=YES_NO),
        CompanyQuestion(
            letter="C",
            row=120,
            choices=("Yes", "Yes, when more processors are validated", "No"),
            per_metal=True,
        ),
        CompanyQuestion(letter="D", row=131, choices=YES_NO),
        CompanyQuestion(
            letter="E",
            row=133,
            choices=(
                "Yes, in conformance with IPC1755 (e.g. EMRT)",
                "Yes, Using Other Format (Describe)",
                "No",
            ),
        ),
        CompanyQuestion(letter="F", row=135, choices=YES_NO),
        CompanyQuestion(letter="G", row=137, choices=YES_NO),
    ),
    smelter_rows=(5, 2497),
    product_rows=(6, 1000),
    extra_sheets=("Mine List",),
)

LAYOUTS = {"CMRT": CMRT, "EMRT": EMRT}
REVISION = re.compile(r"revision\s*(\d+)\.(\d+)", re.IGNORECASE)

# Metal names as suppliers type them (English, symbols, other template languages) -> RMI name.
_METAL_SPELLINGS = {
    "Tantalum": "ta tantal tantale tántalo tantalio tântalo 钽 鉭 タンタル 탄탈럼 탄탈룸",
    "Tin": "sn tin zinn étain etain estaño estanho stagno kalay 锡 錫 スズ 주석",
    "Tungsten": "w tungsten wolfram wolframio tungstène tungstênio tungsteno volfram"
    " 钨 鎢 タングステン 텅스텐",
    "Gold": "au gold or oro ouro altın altin 金 금",
    "Cobalt": "co cobalt kobalt cobalto 钴 鈷 コバルト 코발트",
    "Copper": "cu copper kupfer cuivre cobre rame 铜 銅 구리",
    "Graphite": "c graphite graphit grafito grafite 石墨 黒鉛 흑연",
    "Lithium": "li lithium litio lítio 锂 鋰 リチウム 리튬",
    "Mica": "mica glimmer 云母 雲母 マイカ 운모",
    "Nickel": "ni nickel níquel niquel nichel 镍 鎳 ニッケル 니켈",
}
METAL_NAMES = {
    spelling.casefold(): metal
    for metal, spellings in _METAL_SPELLINGS.items()
    for spelling in (metal, *spellings.split())
}
_NOISE = re.compile(r"\(\*\)|\(.*?\)|[*:]")


def normal_metal(text: object) -> str | None:
    """The RMI metal name for a typed metal (``tin``, ``Sn``, ``Wolfram``, ``钽(*)``), or None."""
    if text is None:
        return None
    key = _NOISE.sub(" ", str(text)).strip().casefold()
    key = " ".join(key.split())
    return METAL_NAMES.get(key)
