from __future__ import annotations

from decimal import Decimal

import pytest

from shidian.core.errors import DomainError
from shidian.indicators import formulas


def test_parses_and_evaluates_with_decimal() -> None:
    tree = formulas.parse("hukou_urban / hukou_total * 100")
    assert formulas.references(tree) == {"hukou_urban", "hukou_total"}
    result = formulas.evaluate(tree, {"hukou_urban": Decimal("45.4"), "hukou_total": Decimal("100")})
    assert result.value == Decimal("45.4")
    assert result.reason == ""


def test_parentheses_unary_minus_and_precedence() -> None:
    tree = formulas.parse("-(a - b) * 2 + 1 / 4")
    assert formulas.evaluate(tree, {"a": Decimal(1), "b": Decimal(3)}).value == Decimal("4.25")


def test_decimal_not_float() -> None:
    assert formulas.evaluate(formulas.parse("0.1 + 0.2"), {}).value == Decimal("0.3")


def test_division_by_zero_gives_none_with_reason() -> None:
    result = formulas.evaluate(formulas.parse("a / b"), {"a": Decimal(1), "b": Decimal(0)})
    assert result.value is None
    assert "除数为零" in result.reason


def test_missing_input_gives_none_naming_it() -> None:
    result = formulas.evaluate(formulas.parse("a / b"), {"a": Decimal(1)})
    assert result.value is None
    assert "b" in result.reason


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('x')",
        "a.b",
        "a[0]",
        "a ** 2",
        "a if b else c",
        "a < b",
        "'text'",
        "lambda: 1",
        "a % 2",
        "True + 1",
        "",
        "a +",
    ],
)
def test_refuses_anything_but_arithmetic(text: str) -> None:
    with pytest.raises(DomainError):
        formulas.parse(text)


def test_evaluation_order_puts_inputs_first() -> None:
    order = formulas.evaluation_order({"c": "b * 2", "b": "a + 1", "d": "x"})
    assert order.index("b") < order.index("c")


def test_cycle_is_refused_naming_it() -> None:
    with pytest.raises(DomainError) as exc:
        formulas.evaluation_order({"a": "b + 1", "b": "c * 2", "c": "a / 3"})
    assert "a → b → c → a" in exc.value.message


def test_self_reference_is_a_cycle() -> None:
    with pytest.raises(DomainError, match="循环"):
        formulas.evaluation_order({"a": "a + 1"})


def test_unknown_reference_is_refused() -> None:
    with pytest.raises(DomainError, match="nope"):
        formulas.check_references({"a": "nope + 1"}, known={"a"})
