"""The bootstrap command: admin-duty accounts only, temporary password, policy enforced."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from shidian.accounts.models import User
from shidian.core.models import AuditEvent


@pytest.mark.django_db
def test_creates_a_security_admin_with_a_temporary_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIDIAN_ADMIN_PASSWORD", "Initial#Pass2026")
    call_command("create_admin", "secadmin1", "--role", "security_admin", stdout=io.StringIO())
    user = User.objects.get(username="secadmin1")
    assert user.role == "security_admin" and not user.is_superuser
    assert user.password_changed_at is None  # must change it at first login
    assert user.check_password("Initial#Pass2026")
    assert AuditEvent.objects.filter(action="accounts.user.created", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_refuses_a_weak_password_and_business_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIDIAN_ADMIN_PASSWORD", "password")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("create_admin", "weak", "--role", "system_admin", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_admin", "boss", "--role", "national_admin", stdout=io.StringIO())
    assert not User.objects.filter(username__in=["weak", "boss"]).exists()


@pytest.mark.django_db
def test_reset_gives_an_admin_duty_a_one_time_code_on_the_server() -> None:
    out = io.StringIO()
    call_command("create_admin", "demo-auditor", "--reset", stdout=out)
    code = out.getvalue().strip().splitlines()[-1]
    user = User.objects.get(username="demo-auditor")
    assert user.check_password(code) and user.password_changed_at is None
    assert user.one_time_code_expires_at is not None
    with pytest.raises(CommandError, match="安全管理员"):
        call_command("create_admin", "demo-pilot", "--reset", stdout=io.StringIO())
