"""Formulas: compile-time unit checks, evaluation on Decimals, missing inputs, errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from esgledger.core.formula import compile_formula
from esgledger.errors import FactorError, FormulaError

METRIC_UNITS = {
    "fuel.gasoline": "t",
    "fuel.diesel": "t",
    "electricity": "MWh",
    "energy.gasoline_tce": "tce",
    "energy.electricity_tce": "tce",
    "energy.total": "tce",
    "revenue": "RMB million",
    "emissions.ch4": "t",
    "heat": "GJ",
}
FACTOR_UNITS = {
    "coal_equivalent.gasoline": "kgce/kg",
    "coal_equivalent.electricity": "kgce/kWh",
    "grid.co2": "tCO2/MWh",
}


class FakeContext:
    """Values, factors and GWPs from dicts; records what the formula asked for."""

    def __init__(
        self,
        values: dict[str, str | None],
        factors: dict[str, str] | None = None,
        gwps: dict[str, str] | None = None,
    ) -> None:
        self.values = {k: None if v is None else Decimal(v) for k, v in values.items()}
        self.factors = {k: Decimal(v) for k, v in (factors or {}).items()}
        self.gwps = {k: Decimal(v) for k, v in (gwps or {}).items()}
        self.asked: list[str] = []

    def value(self, metric: str) -> Decimal | None:
        self.asked.append(metric)
        return self.values.get(metric)

    def factor(self, key: str) -> Decimal:
        if key not in self.factors:
            raise FactorError(key)
        return self.factors[key]

    def gwp(self, gas: str) -> Decimal:
        return self.gwps[gas]


def compile_(text: str, unit: str):
    return compile_formula(text, unit, METRIC_UNITS.__getitem__, FACTOR_UNITS.__getitem__)


def test_product_with_a_factor() -> None:
    formula = compile_("fuel.gasoline * factor('coal_equivalent.gasoline')", "tce")
    assert formula.inputs == ("fuel.gasoline",)
    assert formula.factors == ("coal_equivalent.gasoline",)
    ctx = FakeContext({"fuel.gasoline": "617.3"}, {"coal_equivalent.gasoline": "1.4714"})
    # 617.3 t x 1.4714 kgce/kg = 617.3 x 1.4714 tce = 864.22 + 44.07522 = 908.29522 tce
    assert formula.evaluate(ctx) == Decimal("908.29522")


def test_factor_per_kwh_times_mwh() -> None:
    formula = compile_("electricity * factor('coal_equivalent.electricity')", "tce")
    ctx = FakeContext({"electricity": "1000"}, {"coal_equivalent.electricity": "0.1229"})
    # 1 000 MWh = 1 000 000 kWh x 0.1229 kgce/kWh = 122 900 kgce = 122.9 tce
    assert formula.evaluate(ctx) == Decimal("122.9")


def test_arithmetic_and_parentheses() -> None:
    formula = compile_(
        "(energy.gasoline_tce + energy.electricity_tce) / revenue", "tce/RMB million"
    )
    ctx = FakeContext(
        {"energy.gasoline_tce": "100", "energy.electricity_tce": "50", "revenue": "300"}
    )
    assert formula.evaluate(ctx) == Decimal("0.5")
    assert formula.inputs == ("energy.gasoline_tce", "energy.electricity_tce", "revenue")


def test_subtraction_negation_and_constants() -> None:
    formula = compile_("-(fuel.gasoline - fuel.diesel) * 2", "t")
    assert formula.evaluate(FakeContext({"fuel.gasoline": "10", "fuel.diesel": "4"})) == -12


def test_adding_converts_the_right_operand_to_the_left_unit() -> None:
    # heat is in GJ; 29.307 GJ is 1 tce (GB/T 2589-2020), so 1 tce + 29.307 GJ = 2 tce
    formula = compile_("energy.total + heat", "tce")
    assert formula.evaluate(FakeContext({"energy.total": "1", "heat": "29.307"})) == 2


def test_gwp_is_dimensionless() -> None:
    formula = compile_("emissions.ch4 * gwp('CH4')", "tCO2e")
    assert formula.evaluate(FakeContext({"emissions.ch4": "2.5"}, gwps={"CH4": "28"})) == 70


def test_result_unit_conversion() -> None:
    formula = compile_("energy.total", "GJ")
    # 10 tce x 29.307 GJ/tce = 293.07 GJ
    assert formula.evaluate(FakeContext({"energy.total": "10"})) == Decimal("293.07")


def test_adding_mwh_to_tonnes_fails_at_compile_time() -> None:
    with pytest.raises(FormulaError, match="cannot add"):
        compile_("electricity + fuel.gasoline", "t")


def test_result_of_the_wrong_dimension_fails_at_compile_time() -> None:
    with pytest.raises(FormulaError, match="not convertible to t"):
        compile_("electricity * factor('coal_equivalent.electricity')", "t")


def test_total_with_mixed_dimensions_fails() -> None:
    with pytest.raises(FormulaError):
        compile_("total(energy.total, fuel.gasoline)", "tce")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fuel.kerosene * 2", "unknown metric 'fuel.kerosene'"),
        ("fuel.gasoline * factor('coal_equivalent.kerosene')", "unknown factor"),
        ("sqrt(fuel.gasoline)", "unknown function 'sqrt'"),
        ("fuel.gasoline ** 2", "unsupported operator"),
        ("fuel.gasoline * factor(coal_equivalent)", "one quoted string"),
        ("total()", "at least one operand"),
        ("fuel.gasoline if revenue else 0", "unsupported expression"),
        ("fuel.gasoline *", "not a valid expression"),
    ],
)
def test_formula_errors(text: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message) as raised:
        compile_(text, "t")
    assert isinstance(raised.value, ValueError)


def test_total_skips_missing_operands() -> None:
    formula = compile_("total(energy.gasoline_tce, energy.electricity_tce, heat)", "tce")
    ctx = FakeContext(
        {"energy.gasoline_tce": "5", "energy.electricity_tce": None, "heat": "29.307"}
    )
    assert formula.evaluate(ctx) == 6
    assert ctx.asked == ["energy.gasoline_tce", "energy.electricity_tce", "heat"]


def test_total_is_missing_when_every_operand_is() -> None:
    formula = compile_("total(energy.gasoline_tce, energy.electricity_tce)", "tce")
    assert formula.evaluate(FakeContext({})) is None


def test_total_of_zeros_is_zero_not_missing() -> None:
    formula = compile_("total(energy.gasoline_tce, energy.electricity_tce)", "tce")
    assert formula.evaluate(FakeContext({"energy.gasoline_tce": "0"})) == 0


def test_a_missing_input_makes_arithmetic_missing() -> None:
    formula = compile_("energy.total / revenue", "tce/RMB million")
    assert formula.evaluate(FakeContext({"energy.total": "5"})) is None
    assert (
        compile_("fuel.gasoline + fuel.diesel", "t").evaluate(FakeContext({"fuel.gasoline": "1"}))
        is None
    )


def test_division_by_zero_is_missing() -> None:
    formula = compile_("energy.total / revenue", "tce/RMB million")
    assert formula.evaluate(FakeContext({"energy.total": "5", "revenue": "0"})) is None
