"""Formulas of computed indicators: parsed by ``ast`` into a whitelisted tree, evaluated with Decimal, never eval.

Allowed: numbers, indicator codes (names), ``+ - * /``, parentheses and unary minus. Anything else (calls,
attributes, subscripts, comparisons, powers, strings ...) is refused with a DomainError.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shidian.core.errors import DomainError

MAX_LENGTH = 300
MAX_DEPTH = 30


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    code: str


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str  # one of + - * /
    left: Node
    right: Node


type Node = Num | Ref | Neg | BinOp

_OPS: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


@dataclass(frozen=True)
class Result:
    """A computed value, or None with the reason it could not be computed."""

    value: Decimal | None
    reason: str = ""


def parse(text: str) -> Node:
    """Parse ``text`` into a tree of the allowed nodes, or raise DomainError saying what is not allowed."""
    source = text.strip().replace("\u00d7", "*").replace("\u00f7", "/")
    if not source:
        raise DomainError(_("公式为空。"))
    if len(source) > MAX_LENGTH:
        raise DomainError(_("公式过长。"))
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise DomainError(_("公式“%(formula)s”有语法错误。") % {"formula": text}) from exc
    return _convert(tree.body, 0)


def _convert(node: ast.AST, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise DomainError(_("公式嵌套过深。"))
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Num(Decimal(str(node.value)))
    if isinstance(node, ast.Name):
        return Ref(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _convert(node.operand, depth + 1)
        return Neg(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return BinOp(_OPS[type(node.op)], _convert(node.left, depth + 1), _convert(node.right, depth + 1))
    raise DomainError(
        _("公式中不允许使用“%(element)s”：只能使用数字、指标代码、加减乘除和括号。") % {"element": type(node).__name__}
    )


def references(node: Node) -> set[str]:
    """Indicator codes the formula reads."""
    if isinstance(node, Ref):
        return {node.code}
    if isinstance(node, Neg):
        return references(node.operand)
    if isinstance(node, BinOp):
        return references(node.left) | references(node.right)
    return set()


def evaluate(node: Node, values: Mapping[str, Decimal | None]) -> Result:
    """Evaluate with Decimal; a missing input or a division by zero gives None and the reason."""
    try:
        return Result(_eval(node, values))
    except _Missing as exc:
        return Result(None, _("缺少指标“%(code)s”的数值。") % {"code": exc.code})
    except (ZeroDivisionError, InvalidOperation):
        return Result(None, _("除数为零。"))


class _Missing(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _eval(node: Node, values: Mapping[str, Decimal | None]) -> Decimal:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        value = values.get(node.code)
        if value is None:
            raise _Missing(node.code)
        return Decimal(value)
    if isinstance(node, Neg):
        return -_eval(node.operand, values)
    left = _eval(node.left, values)
    right = _eval(node.right, values)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        raise ZeroDivisionError
    return left / right


def check_references(formulas: Mapping[str, str], known: Iterable[str]) -> None:
    """Refuse formulas that read unknown indicator codes."""
    known_codes = set(known)
    for code, text in formulas.items():
        unknown = sorted(references(parse(text)) - known_codes)
        if unknown:
            raise DomainError(
                _("指标“%(code)s”的公式引用了不存在的指标：%(unknown)s。")
                % {"code": code, "unknown": "、".join(unknown)}
            )


def evaluation_order(formulas: Mapping[str, str]) -> list[str]:
    """Computed indicator codes in an order where every input is computed first; a cycle raises DomainError."""
    graph = {code: references(parse(text)) & set(formulas) for code, text in formulas.items()}
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = [*path[path.index(code) :], code]
            raise DomainError(_("计算公式存在循环引用：%(cycle)s。") % {"cycle": " → ".join(cycle)})
        state[code] = 1
        for dependency in sorted(graph[code]):
            visit(dependency, [*path, code])
        state[code] = 2
        order.append(code)

    for code in sorted(graph):
        visit(code, [])
    return order


READABLE_OPERATORS = {"*": "\u00d7", "/": "\u00f7"}  # multiplication and division signs


def readable(formula: str, names: Mapping[str, str]) -> str:
    """A formula as officials read it: indicator names for codes, signs for * and /."""

    def name(match: re.Match[str]) -> str:
        code = match.group(0)
        return f"【{names[code]}】" if code in names else code

    text = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", name, formula)
    for op, sign in READABLE_OPERATORS.items():
        text = text.replace(op, sign)
    return text
