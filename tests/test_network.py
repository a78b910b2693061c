"""The web app makes no network requests and listens on this machine only.

`screening app --headless` runs with the network cut off: in a fresh network namespace
holding only the loopback interface (`unshare -rn`, where the sandbox allows it), and with
a `sitecustomize` in the app's Python processes that logs and refuses every connection or
name lookup that is not for this machine. Headless Chromium (Debian's, via Playwright)
then opens every page of the app over loopback, recording each request the page makes.
The test passes only if the server and the pages did their work with nothing leaving.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .browser import _free_port, chromium_path
from .builders import ROOT

pytestmark = pytest.mark.slow

NET_GUARD = textwrap.dedent('''
    """Test hook: log and refuse any connection or name lookup that leaves this machine."""
    import errno, ipaddress, json, os, socket, traceback

    _LOG = os.environ["SCREENING_NET_LOG"]
    _LOCAL_NAMES = {"localhost", "localhost.localdomain", ""}


    def _is_local(host):
        host = str(host).split("%")[0]
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host.lower() in _LOCAL_NAMES


    def _refuse(what, target):
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"pid": os.getpid(), "what": what, "target": repr(target),
                                 "stack": traceback.format_stack(limit=12)}) + "\\n")
        raise OSError(errno.ENETUNREACH, f"network blocked by the privacy test: {target!r}")


    def _guard(method):
        def guarded(self, address, *args):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
                _refuse(method.__name__, address)
            return method(self, address, *args)
        return guarded


    for _name in ("connect", "connect_ex"):
        setattr(socket.socket, _name, _guard(getattr(socket.socket, _name)))
    _sendto = socket.socket.sendto


    def _guarded_sendto(self, data, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(args[-1][0]):
            _refuse("sendto", args[-1])
        return _sendto(self, data, *args)


    socket.socket.sendto = _guarded_sendto
    _getaddrinfo = socket.getaddrinfo


    def _guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None and not _is_local(host.decode() if isinstance(host, bytes) else host):
            _refuse("getaddrinfo", host)
        return _getaddrinfo(host, *args, **kwargs)


    socket.getaddrinfo = _guarded_getaddrinfo
''')

DRIVER = textwrap.dedent('''
    """Start `screening app --headless`, open every page in Chromium, report what happened."""
    import contextlib, json, os, subprocess, sys, time, urllib.request
    from pathlib import Path

    from tests.browser import chromium_page

    port, profile, pages = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
    url = f"http://127.0.0.1:{port}"
    log = open(os.environ["SCREENING_APP_LOG"], "wb")
    app = subprocess.Popen([sys.executable, "-m", "screening", "app", "--headless", "--port",
                            port], stdout=log, stderr=subprocess.STDOUT)
    report = {"requests": [], "visited": [], "listening": []}
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError), \\
                    urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
            if app.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the app did not start")
            time.sleep(0.3)
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in open(table).read().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == int(port):
                    report["listening"].append(local)
        with chromium_page(profile) as page:
            page.on("request", lambda r: report["requests"].append(r.url))
            page.on("websocket", lambda ws: report["requests"].append(ws.url))
            for path in pages:
                page.goto(url + "/" + path, wait_until="domcontentloaded", timeout=120_000)
                page.wait_for_function(
                    "() => (document.querySelector('[data-testid=stMain]')?.innerText || '')"
                    ".trim().length > 20", timeout=120_000)
                page.wait_for_load_state("networkidle", timeout=120_000)
                text = page.get_by_test_id("stMain").inner_text(timeout=30_000)
                report["visited"].append({"path": path, "text": text[:2000],
                                          "exception": page.get_by_test_id("stException")
                                          .count()})
    finally:
        app.terminate()
        try:
            app.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()
    print(json.dumps(report))
''')

PAGES = [
    "",
    "results",
    "clinic_clients",
    "clinic_client",
    "clinic_assessment",
    "clinic_review",
    "clinic_progress",
    "clinic_agreement",
]
"""Every page of the app (url paths are the page files' names; "" is the start page)."""


def _network_namespace() -> list[str]:
    """`unshare -rn` and a step to bring loopback up, when this machine allows it."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return []
    probe = subprocess.run(["unshare", "-rn", "ip", "link", "set", "lo", "up"], capture_output=True)
    return (
        ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
        if probe.returncode == 0
        else []
    )


@pytest.fixture(scope="module")
def app_run(tmp_path_factory) -> dict:
    """One run of the app with the network cut off: what it tried, served and was asked."""
    chromium_path()  # or skip, saying how to install it
    tmp = tmp_path_factory.mktemp("offline-app")
    guard = tmp / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(NET_GUARD)
    net_log, app_log = tmp / "net.jsonl", tmp / "app.log"
    home = tmp / "home"
    home.mkdir()
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "PYTHONPATH": str(guard),
        "SCREENING_NET_LOG": str(net_log),
        "SCREENING_APP_LOG": str(app_log),
    }
    namespace = _network_namespace()
    result = subprocess.run(
        [
            *namespace,
            sys.executable,
            "-c",
            DRIVER,
            "8765" if namespace else str(_free_port()),
            str(tmp),
            json.dumps(PAGES),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:] + app_log.read_text()[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["attempts"] = net_log.read_text().splitlines() if net_log.exists() else []
    report["app_log"] = app_log.read_text()
    report["namespace"] = bool(namespace)
    return report


def test_app_serves_every_page_with_the_network_cut_off(app_run):
    assert [v["path"] for v in app_run["visited"]] == PAGES
    for visit in app_run["visited"]:
        assert visit["exception"] == 0, visit
        assert visit["text"].strip(), visit
    assert len(app_run["requests"]) > 10  # the pages really loaded their code over loopback


def test_app_server_makes_no_outbound_attempt(app_run):
    attempts = app_run["attempts"]
    assert attempts == [], "the app tried to reach the network:\n" + "\n".join(attempts)
    assert "network blocked" not in app_run["app_log"]


def test_app_listens_on_localhost_only(app_run):
    assert app_run["listening"]
    for address in app_run["listening"]:  # 127.0.0.1 or ::1, as /proc/net/tcp{,6} write them
        assert address.split(":")[0] in ("0100007F", "00000000000000000000000001000000")


def test_pages_request_nothing_from_outside(app_run):
    origin = app_run["requests"][0].split("/")[2]
    outside = [
        u
        for u in app_run["requests"]
        if u.split("/")[2] != origin and not u.startswith(("data:", "blob:", "about:"))
    ]
    assert outside == [], sorted(set(outside))


def test_the_guard_catches_an_outbound_attempt(tmp_path):
    """The hook this test relies on does log and refuse a real attempt (TEST-NET-1 address)."""
    (tmp_path / "sitecustomize.py").write_text(NET_GUARD)
    log = tmp_path / "net.jsonl"
    probe = (
        "import socket, urllib.request\n"
        "for go in (lambda: socket.socket().connect(('192.0.2.1', 80)),\n"
        "           lambda: urllib.request.urlopen('http://192.0.2.1/', timeout=2),\n"
        "           lambda: socket.getaddrinfo('example.com', 443)):\n"
        "    try:\n        go()\n    except OSError as exc:\n        print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "SCREENING_NET_LOG": str(log)},
        timeout=60,
    )
    attempts = [json.loads(line) for line in log.read_text().splitlines()]
    assert [a["what"] for a in attempts] == ["connect", "getaddrinfo", "getaddrinfo"]
    assert [a["target"] for a in attempts] == ["('192.0.2.1', 80)", "'192.0.2.1'", "'example.com'"]
    assert result.stdout.count("network blocked by the privacy test") == 3
