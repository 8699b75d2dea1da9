"""``esgledger cmrt``: conflict-minerals declarations (RMI CMRT 6.x / EMRT 2.x) of suppliers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
import yaml

from esgledger.cli.cmrt_output import print_campaign, print_outcomes, write_smelters
from esgledger.cli.main import DEFAULT_DB, DbOption, _fail, _open
from esgledger.cli.output import plain, print_problems

app = typer.Typer(
    name="cmrt",
    help="Conflict-minerals due diligence: import suppliers' RMI CMRT/EMRT workbooks, RMI's "
    "smelter lists, the combined smelter list, the campaign, and the company-level CMRT.",
    no_args_is_help=True,
)
Period = Annotated[str, typer.Option("--period", "-p", help="Campaign (reporting) period.")]
Json = Annotated[bool, typer.Option("--json", help="Output as JSON.")]


@app.command("import")
def import_files(
    targets: Annotated[list[Path], typer.Argument(help="Workbooks, or folders searched for them.")],
    period: Period,
    db: DbOption = DEFAULT_DB,
    user: Annotated[str, typer.Option(help="Who imports.")] = "cli",
    jobs: Annotated[int, typer.Option(help="Worker processes (0 = one per CPU).")] = 0,
    as_json: Json = False,
) -> None:
    """Import suppliers' CMRT/EMRT files for a campaign; one bad file never stops the batch.

    Each file is matched to a supplier by a file name starting with its code
    (`S0042_acme.xlsx`), else by the company name on the Declaration. Problems print as
    `file!Sheet!cell: message`; unreadable and incomplete files are kept with their problems
    (the campaign lists them for follow-up). Exit status 1 when any file has errors.
    """
    from esgledger.collect.cmrt_import import import_declarations, workbook_files
    from esgledger.errors import NotFound

    ledger = _open(db, create=False)
    files = workbook_files(targets)
    if not files:
        _fail("no workbook found in " + ", ".join(map(str, targets)))
    try:
        outcomes = import_declarations(ledger, files, period=period, user=user, jobs=jobs or None)
    except NotFound as exc:
        _fail(str(exc))
    print_outcomes(outcomes, as_json=as_json)
    if any(o.status in ("unreadable", "incomplete") for o in outcomes):
        raise typer.Exit(1)


def _import_list(file: Path, db: str, list_name: str, as_json: bool) -> None:
    from esgledger.collect.rmi_lists import read_rmi_list
    from esgledger.core.problems import has_errors
    from esgledger.store.supply_chain import replace_rmi_list

    smelters, problems = read_rmi_list(file, conformant=list_name == "conformant")
    print_problems(problems, as_json=as_json)
    if not smelters or has_errors(problems):
        plain(f"{file.name}: RMI {list_name} list not imported")
        raise typer.Exit(1)
    count = replace_rmi_list(_open(db, create=False), list_name, smelters, source=file.name)
    ids = len({(s.metal, s.smelter_id) for s in smelters})
    plain(f"{file.name}: RMI {list_name} list of {count} names ({ids} smelters) imported")


@app.command("reference")
def import_reference(
    file: Annotated[
        Path,
        typer.Argument(
            help="A blank RMI CMRT/EMRT (its Smelter Look-up), "
            "or a CSV/XLSX with metal and smelter id columns."
        ),
    ],
    db: DbOption = DEFAULT_DB,
    as_json: Json = False,
) -> None:
    """Load RMI's smelter reference list (names, aliases, ids, countries); replaces the last."""
    _import_list(file, db, "reference", as_json)


@app.command("conformant")
def import_conformant(
    file: Annotated[Path, typer.Argument(help="RMI's conformant smelter list, CSV or XLSX.")],
    db: DbOption = DEFAULT_DB,
    as_json: Json = False,
) -> None:
    """Load RMI's list of conformant (and active) smelters; replaces the last one.

    Columns matched by header: metal, smelter id (`Smelter ID`, `Smelter Reference`), name,
    country, and status (`Conformant`, `Active`; every row is conformant without one).
    """
    _import_list(file, db, "conformant", as_json)


@app.command("smelters")
def smelters(
    period: Period,
    db: DbOption = DEFAULT_DB,
    metal: Annotated[str, typer.Option(help="Only this metal, e.g. Tin.")] = "",
    status: Annotated[str, typer.Option(help="Only this status, e.g. unknown.")] = "",
    out: Annotated[
        Path | None, typer.Option(help="Write the list to a .csv or .xlsx file.")
    ] = None,
    as_json: Json = False,
) -> None:
    """The combined smelter list: each smelter, its RMI status and the suppliers naming it.

    Unknown smelters (no RMI id matches) come with the closest names of the reference list.
    """
    from esgledger.calculate.supply_chain_state import supply_chain_state

    state = supply_chain_state(_open(db, create=False), period)
    rows = [
        s
        for s in state.combined
        if (not metal or s.metal.casefold() == metal.casefold())
        and (not status or s.status == status.casefold())
    ]
    if not state.has_reference:
        plain(
            "note: no RMI reference list loaded (`esgledger cmrt reference`); matching by id only"
        )
    write_smelters(rows, out=out, as_json=as_json)


@app.command("campaign")
def campaign(
    period: Period,
    db: DbOption = DEFAULT_DB,
    high_risk: Annotated[
        Path | None,
        typer.Option(
            help="A text file of further high-risk countries, one per line (RMI spelling)."
        ),
    ] = None,
    record: Annotated[
        str, typer.Option(help="Write the KPIs to the ledger as reported figures of this entity.")
    ] = "",
    reason: Annotated[str, typer.Option(help="Why figures already in the ledger change.")] = "",
    user: Annotated[str, typer.Option(help="Who records the KPIs.")] = "cli",
    as_json: Json = False,
) -> None:
    """The campaign: who answered, who to follow up and why, red flags, KPIs.

    With `--record ENTITY` the KPIs (response rate, conformant smelter share, suppliers, new
    suppliers, screening, agreements, audits) are written to the ledger for ENTITY and period.
    """
    from esgledger.calculate.supply_chain_kpis import campaign_kpis, record_kpis, register_kpis
    from esgledger.calculate.supply_chain_state import supply_chain_state

    ledger = _open(db, create=False)
    extra = high_risk.read_text(encoding="utf-8").splitlines() if high_risk else []
    state = supply_chain_state(ledger, period, [c for c in extra if c.strip()])
    kpis = campaign_kpis(state.campaign, state.combined)
    if state.register:
        kpis = register_kpis(state.register, ledger.period(period)) + kpis
    print_campaign(state, kpis, as_json=as_json)
    if record:
        if record not in {e.code for e in ledger.entities()}:
            _fail(f"--record: no entity {record!r} in the ledger")
        result = record_kpis(
            ledger, kpis, entity=record, period=period, user=user, reason=reason or None
        )
        if isinstance(result, list):
            print_problems(result)
            raise typer.Exit(1)
        plain(
            f"KPIs recorded for {record} {period}: {result.added} added, "
            f"{result.revised} revised, {result.unchanged} unchanged"
        )


@app.command("export")
def export(
    period: Period,
    template: Annotated[Path, typer.Option(help="The blank official RMI CMRT 6.x (.xlsx).")],
    out: Annotated[Path, typer.Option(help="Where to write the filled copy.")],
    answers: Annotated[
        Path | None,
        typer.Option(
            help="YAML: company block (company, contact_name, contact_email, contact_phone, "
            "authorizer, authorizer_email...) and `policy:` answers A-H (B_url for B's link)."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    date: Annotated[str, typer.Option(help="Effective date (default: today).")] = "",
) -> None:
    """Write the company's roll-up CMRT (scope: company) into a copy of the official template.

    Metal answers and the smelter list come from the suppliers' current declarations; the
    company block and questions A-H come from `--answers`.
    """
    from esgledger.calculate.cmrt_rollup import company_declaration
    from esgledger.calculate.supply_chain_state import supply_chain_state
    from esgledger.collect.cmrt import read_declaration
    from esgledger.collect.cmrt_export import write_declaration
    from esgledger.errors import EsgLedgerError

    ledger = _open(db, create=False)
    block = yaml.safe_load(answers.read_text(encoding="utf-8")) if answers else {}
    policy = {str(k): str(v) for k, v in (block.pop("policy", None) or {}).items()}
    organization = ledger.organization()
    company = str(block.pop("company", "") or (organization.name if organization else ""))
    state = supply_chain_state(ledger, period)
    declaration = company_declaration(
        company=company,
        details={str(k): str(v) for k, v in block.items()},
        policy=policy,
        declarations=[d for d in state.declarations if d.status != "unreadable"],
        combined=state.combined,
        response_rate=state.campaign.response_rate,
        effective_date=dt.date.fromisoformat(date) if date else dt.date.today(),
    )
    try:
        write_declaration(template, declaration, out)
    except (EsgLedgerError, OSError) as exc:
        _fail(str(exc))
    plain(f"{out}: company CMRT with {len(declaration.smelters)} smelters")
    still_missing = read_declaration(out).problems  # the template's own rules, on our output
    print_problems(still_missing)
    if still_missing:
        plain(f"{len(still_missing)} fields to complete before sending (see above)")
