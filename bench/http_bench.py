"""HTTP: the production app server under wrk on loopback, every page against a minimal JSON view.

The app server is gunicorn (a dependency of the product since issue 16) with one worker process per core
and the gthread worker (4 threads each): waitress is one process of threads, so on two cores one
GIL-bound process is all it can use; gunicorn's pre-forked processes use every core, and gthread keeps
wrk's connections alive while a thread waits on PostgreSQL. The settings are the production ones
(shidian.settings.base via bench_settings: DEBUG off, whitenoise's manifest storage, sessions in the
database) with SHIDIAN_DEMO=1, because the demo accounts sign in only in demo mode.

Each URL is first fetched once (it must answer 200 without a redirect, or the run fails), then wrk runs
16 connections for BENCH_DURATION seconds. The baseline - ``/bench/baseline/``, a small JSON through the
same middleware stack, anonymous - is measured in the same run, right before the pages.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONNECTIONS = 16

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50\\": %d, \\"p95\\": %d, \\"p99\\": %d, "
    .. "\\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, \\"status\\": %d, \\"timeout\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    goal_ratio: float | None  # throughput vs baseline this page must reach (None: the baseline itself)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn with one process per core, started in its own process group and stopped with it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.workers = os.cpu_count() or 1
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open for the server's lifetime
            prefix="shidian-bench-gunicorn-", suffix=".log", delete=False
        )
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--keep-alive",
            "30",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "shidian.wsgi:application",
        ]
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("/bench/baseline/"), timeout=5).read()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                if self.process.poll() is not None:
                    break
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"bench: gunicorn did not start, see {self.log.name}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def check(server: Server, path: str, cookie: str | None) -> None:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(server.url(path), headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise SystemExit(f"bench: {path} answered {status}, not 200 (see the gunicorn log)")


def wrk(server: Server, name: str, path: str, cookie: str | None, duration: int, goal: float | None) -> Result:
    check(server, path, cookie)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{duration}s", "--timeout", "10s", "-s", script.name]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, server.url(path)], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Result(
        name=name,
        path=path,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=errors,
        goal_ratio=goal,
    )


def session_cookie(username: str) -> str:
    """A signed-in session for a demo account, written to the database the server reads."""
    from django.conf import settings
    from django.test import Client

    from shidian.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def pages(smoke: bool = False) -> list[tuple[str, str, str | None, float | None]]:
    """(name, path, demo account or None, goal ratio) of every page the issue lists that exists here."""
    from django.urls import NoReverseMatch, reverse

    from shidian.accounts.demo import DEMO_ACCOUNTS
    from shidian.indicators.models import Indicator
    from shidian.pilots.models import PilotArea

    pilot = PilotArea.objects.filter(is_demo=True).order_by("pk").first() if hasattr(PilotArea, "is_demo") else None
    pilot = pilot or PilotArea.objects.order_by("pk").first()
    indicator = Indicator.objects.filter(code="urban_rate_resident").first() or Indicator.objects.first()
    assert pilot is not None and indicator is not None
    out: list[tuple[str, str, str | None, float | None]] = [("登录页", reverse("accounts:login"), None, 0.3)]
    for username, _role, _name in DEMO_ACCOUNTS:
        out.append((f"工作台 {username}", reverse("workbench:home"), username, 0.3))
    if smoke:  # one anonymous page, one workbench, one list: the harness runs, nothing is judged
        return [*out[:2], ("试点名单（50 行）", reverse("pilots:list"), "demo-national", 0.3)]
    out += [
        ("试点名单（50 行）", reverse("pilots:list"), "demo-national", 0.3),
        ("试点页", reverse("pilots:detail", args=[pilot.pk]), "demo-national", 0.3),
        (
            "全国监测（一个指标）",
            f"{reverse('indicators:monitoring')}?indicator={indicator.code}",
            "demo-national",
            0.3,
        ),
        ("报告完成情况矩阵", reverse("reporting:matrix"), "demo-national", 0.3),
        ("API 试点列表", "/api/v1/registry/pilots", "demo-national", 0.3),
    ]
    for name, url_name, args in (("门户首页", "portal:home", []), ("门户试点页", "portal:pilot", [pilot.pk])):
        try:
            out.append((name, reverse(url_name, args=args), None, 0.8))
        except NoReverseMatch:
            print(f"  {name}: no portal in this build ({url_name} is not a URL) - skipped")
    return out


BEFORE_PAGES = 3  # the first workbenches, measured again with their sections rendered on every visit
# The other pages that keep what they render (finding 13).
KEPT_PAGES = ("试点名单（50 行）", "试点页", "全国监测（一个指标）", "报告完成情况矩阵")


def run_before(*, env: dict[str, str], duration: int, smoke: bool = False) -> list[Result]:
    """The baseline, the first workbenches and the other pages that keep what they render, with nothing kept
    (SHIDIAN_KEPT_PAGES_SECONDS=0), same run: what they cost before they kept what they render until the data
    moves (findings 12 and 13)."""
    signed_in = [p for p in pages(smoke) if p[2]]
    wanted = signed_in[: 1 if smoke else BEFORE_PAGES] + [p for p in signed_in if p[0] in KEPT_PAGES]
    cookies = {username: session_cookie(username) for _n, _p, username, _g in wanted if username}
    server = Server({**env, "SHIDIAN_KEPT_PAGES_SECONDS": "0"})
    try:
        results = [wrk(server, "基准：最小 JSON 视图", "/bench/baseline/", None, duration, None)]
        for name, path, username, goal in wanted:
            results.append(wrk(server, name, path, cookies[username] if username else None, duration, goal))
        return results
    finally:
        server.stop()


def run(*, env: dict[str, str], duration: int, smoke: bool = False) -> list[Result]:
    cookies: dict[str, str] = {}
    wanted = pages(smoke)
    for _name, _path, username, _goal in wanted:
        if username and username not in cookies:
            cookies[username] = session_cookie(username)
    server = Server(env)
    try:
        results = [wrk(server, "基准：最小 JSON 视图", "/bench/baseline/", None, duration, None)]
        for name, path, username, goal in wanted:
            results.append(wrk(server, name, path, cookies.get(username) if username else None, duration, goal))
            print(f"  {name}: {results[-1].rps:.0f} req/s, p95 {results[-1].p95_ms:.0f} ms", flush=True)
        return results
    finally:
        server.stop()
