"""Every registered audit action is asserted by some test, and every call site names a registered one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from shidian.core.audit_actions import AuditAction, label

SOURCE = Path(__file__).resolve().parents[2]  # src/shidian
REPO = SOURCE.parents[1]
THIS = Path(__file__).resolve()


def _test_sources() -> str:
    files = [*SOURCE.glob("*/tests/**/*.py"), *(REPO / "tests").glob("**/*.py")]
    return "\n".join(p.read_text(encoding="utf-8") for p in files if p.resolve() != THIS)


def _asserted(text: str) -> set[AuditAction]:
    return {m for m in AuditAction if f"AuditAction.{m.name}" in text or f'"{m.value}"' in text}


def test_every_action_is_asserted_by_a_test() -> None:
    asserted = _asserted(_test_sources())
    missing = sorted(m.value for m in AuditAction if m not in asserted)
    assert not missing, "actions no test asserts (add the service to a test_audit_events.py):\n" + "\n".join(missing)


def test_the_check_finds_what_is_missing() -> None:
    assert _asserted('x = AuditAction.LOGIN\ny = "accounts.logout"') == {AuditAction.LOGIN, AuditAction.LOGOUT}


def test_every_action_has_a_chinese_label_and_a_dotted_name() -> None:
    for member in AuditAction:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+(\.[a-z_]+)?", member.value), member.value
        assert re.search(r"[\u4e00-\u9fff]", str(member.label)), member.value
    assert label("plans.version.approved") == "批准方案版本"
    assert label("legacy.name") == "legacy.name"


def test_no_call_site_builds_an_action_name() -> None:
    """audit.record(action=...) names a registry member, never a string (an f-string least of all)."""
    offenders = []
    for path in SOURCE.glob("**/*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {"record", "record_denied"}:
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant | ast.JoinedStr):
                        offenders.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert not offenders, offenders


def test_every_detail_key_written_has_a_chinese_label() -> None:
    """The audit trail shows each detail under a Chinese label; a key written without one would show in English."""
    from shidian.core.audit_display import DETAIL_KEYS

    written: dict[str, str] = {}
    for path in SOURCE.glob("**/*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "detail" and isinstance(keyword.value, ast.Dict):
                    for key in keyword.value.keys:
                        if isinstance(key, ast.Constant) and isinstance(key.value, str):
                            written.setdefault(key.value, f"{path.relative_to(SOURCE)}:{key.lineno}")
    missing = sorted(f"{where}: {key!r}" for key, where in written.items() if key not in DETAIL_KEYS)
    assert not missing, "detail keys without a label in core/audit_display.py DETAIL_KEYS:\n" + "\n".join(missing)
