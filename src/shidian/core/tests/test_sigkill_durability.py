"""SIGKILL durability on PostgreSQL: the app server dies mid-burst; what it acknowledged stays, nothing is half-written.

The server is waitress, as ``make run`` starts it, in a subprocess on a free port. It serves a copy of the test
database (brought over with the backup module, so the server's writes never reach the other tests). A burst of
writes runs against it: one pilot officer saving her report draft again and again (each save: the sections,
the revision and its audit event in one transaction) while other threads sign in (a session and an audit event
each). The server is killed with SIGKILL while requests are in flight. Afterwards every write it answered
is in the database, each committed draft save has exactly its audit event, and the audit chain verifies.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import InMemoryStorage
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.urls import reverse

from shidian.conftest import DEMO_PASSWORD
from shidian.core import audit, backup

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the durability of PostgreSQL commits"),
]

REPO = Path(__file__).resolve().parents[4]
SIGN_IN_THREADS = 4
SIGN_IN_USERS = ["demo-national", "demo-province", "demo-ministry", "demo-expert"]
# What a request raises when the server is killed under it: refused or reset (OSError), or cut mid-answer
# (http.client.IncompleteRead, an HTTPException).
GONE = (OSError, http.client.HTTPException)

SETUP = """
from shidian.accounts.models import User
from shidian.pilots.models import PilotArea
from shidian.reporting import services
from shidian.reporting.models import RoundKind

reporting_round = services.open_round(year=2017, kind=RoundKind.YEAR_END, by=services.OPENER)
writer = User.objects.get(username="demo-pilot")
liuzhou = PilotArea.objects.get(name="柳州市")
report = services.open_pilot_report(pilot=liuzhou, reporting_round=reporting_round, by=writer)
print(report.pk, report.revision)
"""


def _wrapper(settings_dict: dict[str, Any], alias: str) -> BaseDatabaseWrapper:
    wrapper: BaseDatabaseWrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias=alias)
    return wrapper


@pytest.fixture
def server_database(tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A copy of the test database's committed rows (reference data, demo accounts) in a database of its own."""
    default = connections["default"].settings_dict
    name = f"{default['NAME']}_sigkill_{uuid.uuid4().hex[:8]}"
    maintenance = _wrapper({**default, "NAME": "postgres"}, "maintenance")
    with maintenance.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {maintenance.ops.quote_name(name)}")
    copy = _wrapper({**default, "NAME": name}, "server")
    try:
        archive = backup.create_backup(directory=tmp_path, storage=InMemoryStorage()).archive
        backup.restore_backup(archive=archive, connection=copy, storage=InMemoryStorage())
        yield copy
    finally:
        copy.close()
        with maintenance.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {maintenance.ops.quote_name(name)} WITH (FORCE)")
        maintenance.close()


def _url(wrapper: BaseDatabaseWrapper) -> str:
    params = wrapper.settings_dict
    user = urllib.parse.quote(params.get("USER") or "")
    password = f":{urllib.parse.quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{params['NAME']}"


def _environment(wrapper: BaseDatabaseWrapper) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIDIAN_DATABASE")}
    env.update(
        DJANGO_SETTINGS_MODULE="shidian.settings.test",
        SHIDIAN_DATABASE_URL=_url(wrapper),
        PYTHONPATH=str(REPO / "src"),
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    waitress = Path(sys.executable).parent / "waitress-serve"
    server = subprocess.Popen(  # noqa: S603 - our own server
        [str(waitress), f"--listen=127.0.0.1:{port}", "--threads=8", "shidian.wsgi:application"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{reverse('accounts:login')}", timeout=5):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            assert server.poll() is None, "the server exited at start"
            time.sleep(0.3)
    server.kill()
    raise AssertionError("the server did not answer within 60 s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects (a 302 is the acknowledgement)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.cookies if c.name == name), "")

    def request(self, path: str, data: dict[str, Any] | None = None) -> tuple[int, str]:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}).encode()
        try:
            with self.opener.open(
                urllib.request.Request(self.base + path, data=body, headers=headers),  # noqa: S310 - http://127.0.0.1
                timeout=30,
            ) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def sign_in(self, username: str) -> int:
        self.cookies.clear()
        self.request(reverse("accounts:login"))
        status, _body = self.request(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
        return status


def test_a_killed_server_loses_nothing_it_acknowledged(server_database: BaseDatabaseWrapper) -> None:
    env = _environment(server_database)
    setup = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(REPO / "manage.py"), "shell", "-c", SETUP],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    report_id, first_revision = (int(n) for n in setup.stdout.split()[-2:])

    port = _free_port()
    server = _start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    saved: list[int] = []  # the revision each acknowledged save wrote
    sessions: list[str] = []  # the session of each acknowledged sign-in
    errors: list[str] = []

    def save_drafts() -> None:
        writer = Browser(base)
        assert writer.sign_in("demo-pilot") == 302
        revision = first_revision
        path = reverse("reporting:report_autosave", kwargs={"report_id": report_id})
        while not stop.is_set():
            try:
                status, _body = writer.request(path, {"revision": revision, "progress": f"第{revision + 1}次保存"})
            except GONE:
                return  # the server is gone: this save was not acknowledged
            if status != 302:
                errors.append(f"save at revision {revision} → {status}")
                return
            revision += 1
            saved.append(revision)

    def sign_in(index: int) -> None:
        visitor = Browser(base)
        while not stop.is_set():
            try:
                status = visitor.sign_in(SIGN_IN_USERS[index % len(SIGN_IN_USERS)])
            except GONE:
                return  # the server is gone mid-answer: this sign-in was not acknowledged
            if status != 302:
                errors.append(f"sign-in → {status}")
                return
            sessions.append(visitor.cookie("sessionid"))

    threads = [threading.Thread(target=save_drafts)]
    threads += [threading.Thread(target=sign_in, args=(i,)) for i in range(SIGN_IN_THREADS)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while (len(saved) < 15 or len(sessions) < 15) and time.monotonic() < deadline and not errors:
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)  # mid-flight: every thread has a request out
        server.wait(timeout=10)
    finally:
        stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=40)
    assert not errors, errors
    assert len(saved) >= 15 and len(sessions) >= 15, (len(saved), len(sessions))

    with server_database.cursor() as cursor:
        cursor.execute("SELECT revision, progress FROM reporting_pilotreport WHERE id = %s", [report_id])
        revision, progress = cursor.fetchone()
        cursor.execute(
            "SELECT detail FROM core_auditevent WHERE action = %s AND object_id = %s ORDER BY id",
            [audit.AuditAction.REPORT_DRAFT_SAVED.value, str(report_id)],
        )
        save_events = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT session_key FROM django_session WHERE session_key = ANY(%s)", [sessions])
        stored_sessions = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT COUNT(*) FROM core_auditevent WHERE action = %s", [audit.AuditAction.LOGIN.value])
        logins = cursor.fetchone()[0]

    # Every acknowledged save is there; at most the one in flight went further, and then whole.
    assert revision in {saved[-1], saved[-1] + 1}, (revision, saved[-1])
    assert re.sub(r"<[^>]+>", "", progress) == f"第{revision}次保存"
    # Each committed save has exactly its audit event (the same transaction): none lost, none extra.
    revisions = [(json.loads(e) if isinstance(e, str) else e)["revision"] for e in save_events]
    assert revisions == list(range(first_revision + 1, revision + 1))
    # Every acknowledged sign-in's session and audit event are there.
    assert stored_sessions == set(sessions)
    assert logins >= len(sessions) + 1  # + the draft writer's
    chain = audit.verify_chain(connection=server_database)
    assert chain.ok, chain.problem
    assert chain.checked > len(saved) + len(sessions)
