"""End to end in headless Chromium (Debian's package, driven by Playwright): a data owner
enters a figure and uploads a filled template, an ESG lead approves and downloads the report,
and a data owner of another entity is denied."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from conftest import IN_SCOPE, PASSWORD
from esgledger.collect.template_layout import COL_PRIOR, COL_PRIOR_UNIT, COL_UNIT, COL_VALUE
from esgledger.collect.templates import layouts
from esgledger.core.catalog import default_catalog
from esgledger.core.model import Status
from esgledger.store.ledger import Ledger
from esgledger.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_or_skip() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is required in CI (.ci/run installs Debian's chromium)")
    pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")


@pytest.fixture
def server(web_demo_file: Path, tmp_path: Path) -> Iterator[tuple[str, Ledger]]:
    import uvicorn

    _browser_or_skip()
    shutil.copy(web_demo_file, tmp_path / "demo.db")
    ledger = Ledger.open(tmp_path / "demo.db")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(ledger), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(100):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ledger
    running.should_exit = True
    thread.join(timeout=10)
    ledger.close()


def _sign_in(browser, base: str, login: str):
    page = browser.new_context(accept_downloads=True).new_page()
    page.goto(base + "/")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    return page


def _fill(template: Path, ledger: Ledger) -> Path:
    """Last year's value +5% where there is one (in its unit), else 40."""
    book = openpyxl.load_workbook(template)
    [layout] = [x for x in layouts(ledger, default_catalog(), "2020") if x.entity == IN_SCOPE]
    for row in layout.rows:
        sheet = book[row.sheet]
        prior = sheet[f"{COL_PRIOR}{row.row}"].value
        sheet[f"{COL_VALUE}{row.row}"] = round(float(prior) * 1.05, 3) if prior else 40
        if prior:
            sheet[f"{COL_UNIT}{row.row}"] = sheet[f"{COL_PRIOR_UNIT}{row.row}"].value
    filled = template.with_name("filled-" + template.name)
    book.save(filled)
    return filled


def test_owner_enters_and_uploads_lead_approves_and_downloads(server, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base, ledger = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        owner = _sign_in(browser, base, "owner")
        owner.goto(f"{base}/entry/2020/{IN_SCOPE}")
        row = owner.locator("#row-energy\\.natural_gas")
        row.get_by_label("Value of Natural gas consumed").fill("12.5")
        row.get_by_role("button", name="Save").click()
        owner.locator("#row-energy\\.natural_gas .row-ok").wait_for()  # swapped in by htmx
        assert ledger.datapoints(period="2020", entity=IN_SCOPE)[0].quantity.unit == "10k m3"

        with owner.expect_download() as download:
            owner.get_by_role("link", name="Download Excel template").click()
        template = tmp_path / download.value.suggested_filename
        download.value.save_as(template)
        owner.get_by_text("Upload a filled Excel template").click()
        owner.get_by_label("Template (.xlsx)").set_input_files(str(_fill(template, ledger)))
        owner.get_by_role("button", name="Import").click()
        owner.get_by_text("Template imported.").wait_for()
        statuses = {dp.status for dp in ledger.datapoints(period="2020", entity=IN_SCOPE)}
        assert statuses == {Status.SUBMITTED}  # a returned template is a submission

        lead = _sign_in(browser, base, "lead")
        lead.goto(f"{base}/review/2020/{IN_SCOPE}")
        lead.get_by_role("button", name="Approve submission").click()
        lead.get_by_text("Approved.").wait_for()
        statuses = {dp.status for dp in ledger.datapoints(period="2020", entity=IN_SCOPE)}
        assert statuses == {Status.APPROVED}

        lead.goto(f"{base}/report?period=2019")
        with lead.expect_download() as report:
            lead.get_by_role("link", name="Download HTML").click()
        text = Path(report.value.path()).read_text(encoding="utf-8")
        assert "<html" in text and "Hikvision" in text

        other = _sign_in(browser, base, "owner2")
        response = other.goto(f"{base}/entry/2020/{IN_SCOPE}")
        assert response is not None and response.status == 403
        assert other.get_by_text("Access denied").is_visible()
        browser.close()
