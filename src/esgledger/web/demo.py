"""The demo the web application serves when no ledger is given.

The embedded demo (Hikvision 2018 and 2019, see :mod:`esgledger.collect.demo`) with both
years published (locked) and a new period opened for collection, so that the dashboard shows
a cycle in progress: every entity owes the figures it reported the year before, and every
site also owes its electricity, natural gas, municipal water and hazardous waste.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from esgledger.collect.demo import build_demo
from esgledger.collect.submissions import lock_period
from esgledger.collect.templates import Assignment, assign
from esgledger.core.catalog import default_catalog
from esgledger.core.model import Period
from esgledger.store.ledger import Ledger

PUBLISHED = ("2018", "2019")
OPEN_PERIOD = "2020"
#: what every site owes from 2020 on (the demo's 2018-2019 figures are mostly group totals)
SITE_METRICS = (
    "energy.electricity_purchased",
    "energy.natural_gas",
    "water.withdrawal.municipal",
    "waste.hazardous.total",
)


def build_web_demo(path: str | Path) -> Ledger:
    """Build the demo ledger at ``path``: 2018 and 2019 published, 2020 being collected."""
    ledger = Ledger.open(path)
    build_demo(ledger)
    for period in PUBLISHED:
        lock_period(ledger, period, actor="demo")
    year = int(OPEN_PERIOD)
    ledger.add_periods(
        [Period(code=OPEN_PERIOD, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))]
    )
    catalog = default_catalog()
    for entity in ledger.entities():
        if entity.parent is None:
            continue
        for metric in SITE_METRICS:
            assign(ledger, catalog, Assignment(entity=entity.code, metric=metric), actor="demo")
    return ledger
