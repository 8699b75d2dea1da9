"""The application's cache of computed figures: exact without a max age, and with one,
never making a request wait for a recomputation once a value exists."""

from __future__ import annotations

import threading
import time

from conftest import IN_SCOPE
from esgledger.web.state import WebSettings, WebState


def _state(web_ledger) -> WebState:
    from esgledger.core.catalog import default_catalog

    return WebState(ledger=web_ledger, catalog=default_catalog(), settings=WebSettings())


def _change(web_ledger) -> None:
    from esgledger.collect import workflow

    workflow.add_comment(web_ledger, IN_SCOPE, "2020", None, actor="t", text="changed")


def test_without_max_age_a_change_is_seen_at_once(web_ledger) -> None:
    state, calls = _state(web_ledger), []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert state.cached(("k",), compute) == 1
    assert state.cached(("k",), compute) == 1  # same ledger state: not recomputed
    _change(web_ledger)
    assert state.cached(("k",), compute) == 2


def test_with_max_age_the_previous_value_is_served_while_it_is_recomputed(web_ledger) -> None:
    state, release, started = _state(web_ledger), threading.Event(), threading.Event()
    values = iter([1, 2])

    def compute() -> int:
        value = next(values)
        if value == 2:
            started.set()
            release.wait(5)
        return value

    assert state.cached(("k",), compute, max_age=0.01) == 1  # the first value: computed now
    _change(web_ledger)
    time.sleep(0.02)
    assert state.cached(("k",), compute, max_age=0.01) == 1  # stale: recomputed meanwhile
    assert started.wait(5)
    assert state.cached(("k",), compute, max_age=0.01) == 1  # still computing: no second one
    release.set()
    for _ in range(100):
        if state.cached(("k",), compute, max_age=60) == 2:
            break
        time.sleep(0.02)
    assert state.cached(("k",), compute, max_age=60) == 2
