"""Data entry, review and uploads through the pages: validation, conflicts, sanitising,
templates, size and type limits."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from conftest import IN_SCOPE, csrf_of, token_of
from esgledger.collect.template_layout import COL_VALUE
from esgledger.collect.templates import layouts
from esgledger.core.catalog import default_catalog
from esgledger.core.model import Status
from esgledger.store import audit

ROW = f"/entry/2020/{IN_SCOPE}/figures/energy.electricity_purchased"
HTMX = {"hx-request": "true"}


def _save(client, value: str, version: int, **extra):
    data = {"value": value, "unit": "MWh", "version": str(version), "csrf_token": token_of(client)}
    return client.post(ROW, data={**data, **extra}, headers=HTMX)


def test_a_figure_is_saved_row_by_row_and_bad_values_are_refused(web_ledger, client_as) -> None:
    owner = client_as("owner")
    saved = _save(owner, "1234.5", 0)
    assert saved.status_code == 200 and "Saved." in saved.text
    [dp] = web_ledger.datapoints(period="2020", entity=IN_SCOPE)
    assert (dp.quantity.value, dp.quantity.unit, dp.status) == (Decimal("1234.5"), "MWh", "draft")
    assert dp.provenance.user == "owner" and dp.provenance.source == "form"
    before = audit.head(web_ledger)
    bad = _save(owner, "12,34x", 0)
    assert bad.status_code == 422 and "value: &#39;12,34x&#39; is not a number" in bad.text
    wrong_unit = _save(owner, "5", 0, unit="tCO2e")
    assert wrong_unit.status_code in (409, 422)
    assert audit.head(web_ledger) == before


def test_the_second_of_two_concurrent_edits_is_refused(web_ledger, client_as) -> None:
    first, second = client_as("owner"), client_as("lead")
    assert _save(first, "100", 0).status_code == 200
    version = audit.head(web_ledger)[0]
    # both read the same version; the owner saves first, the lead's save is refused
    assert _save(first, "110", version).status_code == 200
    refused = _save(second, "120", version)
    assert refused.status_code == 409
    assert "someone else changed this figure" in refused.text
    [dp] = web_ledger.datapoints(period="2020", entity=IN_SCOPE)
    assert dp.quantity.value == Decimal("110")


def test_comments_and_explanations_are_sanitised(web_ledger, client_as) -> None:
    owner = client_as("owner")
    attack = '<img src=x onerror=alert(1)>meter <script>alert("x")</script>read & checked'
    assert _save(owner, "50", 0, comment=attack).status_code == 200
    page = owner.get(f"/entry/2020/{IN_SCOPE}").text
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "meter read &amp; checked" in page
    with web_ledger.engine.connect() as conn:
        from esgledger.collect.review_state import comments_of

        [comment] = comments_of(conn, IN_SCOPE, "2020", "energy.electricity_purchased")
    assert comment.text == "meter read & checked"


def test_submit_approve_and_reject_with_a_comment(web_ledger, client_as) -> None:
    owner, lead = client_as("owner"), client_as("lead")
    _save(owner, "10", 0)
    page = owner.get(f"/entry/2020/{IN_SCOPE}").text
    submit_form = page.split(f'action="/entry/2020/{IN_SCOPE}/submit"')[1]
    version = submit_form.split('name="version" value="')[1].split('"')[0]
    owner.post(
        f"/entry/2020/{IN_SCOPE}/submit", data={"version": version, "csrf_token": csrf_of(page)}
    )
    assert web_ledger.datapoints(period="2020", entity=IN_SCOPE)[0].status is Status.SUBMITTED
    review = lead.get(f"/review/2020/{IN_SCOPE}").text
    version = review.split('name="version" value="')[1].split('"')[0]
    lead.post(
        f"/review/2020/{IN_SCOPE}/reject",
        data={
            "version": version,
            "reason": "<b>check</b> the meter",
            "csrf_token": csrf_of(review),
        },
    )
    assert web_ledger.datapoints(period="2020", entity=IN_SCOPE)[0].status is Status.DRAFT
    assert "check the meter" in owner.get(f"/entry/2020/{IN_SCOPE}").text
    assert "check the meter" in lead.get(f"/review/2020/{IN_SCOPE}").text


def _filled_template(client, web_ledger) -> bytes:
    response = client.get(f"/entry/2020/{IN_SCOPE}/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    [layout] = [x for x in layouts(web_ledger, default_catalog(), "2020") if x.entity == IN_SCOPE]
    for number, row in enumerate(layout.rows, start=1):
        book[row.sheet][f"{COL_VALUE}{row.row}"] = number * 10
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_filled_template_uploads_with_the_cli_validation(web_ledger, client_as) -> None:
    owner = client_as("owner")
    data = _filled_template(owner, web_ledger)
    token = token_of(owner, f"/entry/2020/{IN_SCOPE}")
    response = owner.post(
        f"/entry/2020/{IN_SCOPE}/upload",
        files={"file": ("tonglu-1-2020.xlsx", data, "application/octet-stream")},
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    values = {dp.metric: dp.quantity.value for dp in web_ledger.datapoints(period="2020")}
    assert len(values) == 6 and sorted(values.values()) == [10, 20, 30, 40, 50, 60]


def test_bad_uploads_are_refused_and_change_nothing(web_ledger, client_as, app) -> None:
    owner = client_as("owner")
    token = token_of(owner, f"/entry/2020/{IN_SCOPE}")
    before = audit.head(web_ledger)
    url = f"/entry/2020/{IN_SCOPE}/upload"
    fake = owner.post(
        url, files={"file": ("data.xlsx", b"name,value\n", "text/csv")}, data={"csrf_token": token}
    )
    assert fake.status_code == 400 and "data.xlsx: not an XLSX workbook" in fake.text
    limit = app.state.web.settings.upload_limit
    huge = owner.post(
        url,
        files={"file": ("big.xlsx", b"PK\x03\x04" + b"0" * limit, "x")},
        data={"csrf_token": token},
    )
    assert huge.status_code == 413
    broken = owner.post(
        url, files={"file": ("t.xlsx", b"PK\x03\x04 not a zip", "x")}, data={"csrf_token": token}
    )
    assert broken.status_code == 422 and "Nothing was imported" in broken.text
    evidence = owner.post(
        f"{ROW}/evidence", files={"file": ("scan.pdf", b"<html>", "x")}, data={"csrf_token": token}
    )
    assert evidence.status_code == 400 and "not a PDF file" in evidence.text
    assert audit.head(web_ledger) == before


def test_evidence_is_attached_and_only_downloadable_in_scope(web_ledger, client_as) -> None:
    owner, other = client_as("owner"), client_as("owner2")
    token = token_of(owner, f"/entry/2020/{IN_SCOPE}")
    pdf = b"%PDF-1.4\n% meter invoice\n"
    done = owner.post(
        f"{ROW}/evidence",
        files={"file": ("../../invoice.pdf", pdf, "x")},
        data={"csrf_token": token},
    )
    assert done.status_code == 200 and "invoice.pdf" in done.text
    link = done.text.split('href="/evidence/')[1].split('"')[0]
    mine = owner.get(f"/evidence/{link}")
    assert mine.content == pdf and 'filename="invoice.pdf"' in mine.headers["content-disposition"]
    assert other.get(f"/evidence/{link}").status_code == 403


def test_bulk_figure_states_equal_the_workflows_own(web_ledger, client_as) -> None:
    """The entry form reads states in bulk; they must be those of collect.workflow."""
    from esgledger.collect.workflow import figures
    from esgledger.web.entry_rows import figure_states

    owner = client_as("owner")
    _save(owner, "77", 0, comment="first reading")
    for entity, period in (("hikvision", "2019"), (IN_SCOPE, "2019"), (IN_SCOPE, "2020")):
        bulk = figure_states(web_ledger, entity, period)
        one_by_one = {s.datapoint.metric: s for s in figures(web_ledger, period, entity=entity)}
        assert bulk == one_by_one
