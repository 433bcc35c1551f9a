"""Load a page in headless Chromium, wait until it says it is done, and take a screenshot.

A small Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (no websocket, no
extra package): it waits for ``document.body.dataset.status`` to leave ``"loading"`` (the
d3viz viewer sets it once Graphviz has drawn the graph, which a fixed time budget cannot
promise), and collects the page's script errors and failed loads.

    from headless_chromium import load_page
    result = load_page("out/graph.html", screenshot="out/graph.png")
    result.status, result.dataset, result.errors
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field


def find_chromium() -> str | None:
    """The path of a Chromium or Chrome program, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@dataclass
class PageResult:
    status: str  # document.body.dataset.status when it stopped being "loading"
    dataset: dict  # every data-* attribute of <body>
    errors: list = field(default_factory=list)  # exceptions, console errors, failed loads
    results: list = field(default_factory=list)  # the values of the ``then`` expressions


class _Pipe:
    """Chromium's end of the protocol: fd 3 carries commands in, fd 4 carries replies out."""

    def __init__(self, proc, to_browser: int, from_browser: int) -> None:
        self.proc, self.out, self.inp = proc, to_browser, from_browser
        self.buffer, self.next_id, self.events = b"", 0, []

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.inp], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.inp, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, timeout: float = 30, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)


def _errors(events) -> list:
    found = []
    for e in events:
        params = e.get("params", {})
        if e.get("method") == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            found.append(details.get("exception", {}).get("description") or details["text"])
        elif e.get("method") == "Runtime.consoleAPICalled" and params.get("type") == "error":
            found.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif e.get("method") == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append(params["entry"]["text"] + " " + params["entry"].get("url", ""))
    return found


def _high_pipe() -> tuple[int, int]:
    """A pipe on descriptors above 9 (close-on-exec), so that moving it to 3 and 4 is safe."""
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return ends[0], ends[1]


def load_page(
    path: str,
    screenshot: str | None = None,
    width: int = 1400,
    height: int = 900,
    fragment: str = "",
    timeout: float = 60,
    then: tuple = (),
) -> PageResult:
    """Open ``path`` (a local HTML file) and wait for its body's ``data-status`` to be set;
    then evaluate the JavaScript expressions ``then`` in the page, in order."""
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("no Chromium found (apt-get install chromium)")
    to_browser_r, to_browser_w = _high_pipe()
    from_browser_r, from_browser_w = _high_pipe()
    profile = tempfile.mkdtemp(prefix="minitheano-chromium-")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--remote-debugging-pipe",
    ]

    def wire_fds():  # Chromium reads commands on fd 3 and writes replies on fd 4
        os.dup2(to_browser_r, 3)  # dup2 leaves the copies open across exec
        os.dup2(from_browser_w, 4)

    proc = subprocess.Popen(
        [browser, *flags, "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=wire_fds,
        close_fds=False,  # closing would take fds 3 and 4 away again
    )
    os.close(to_browser_r)
    os.close(from_browser_w)
    pipe = _Pipe(proc, to_browser_w, from_browser_r)
    try:
        target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
        session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            pipe.call(domain, session)
        pipe.call(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        url = "file://" + os.path.abspath(path) + (f"#{fragment}" if fragment else "")
        pipe.call("Page.navigate", session, url=url)
        deadline = time.monotonic() + timeout
        probe = "JSON.stringify(document.body ? Object.assign({}, document.body.dataset) : {})"
        while True:
            value = pipe.call("Runtime.evaluate", session, expression=probe, returnByValue=True)
            dataset = json.loads(value["result"]["value"])
            if dataset.get("status", "loading") != "loading" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if screenshot:
            shot = pipe.call("Page.captureScreenshot", session, format="png")
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        results = [
            pipe.call("Runtime.evaluate", session, expression=js, returnByValue=True)[
                "result"
            ].get("value")
            for js in then
        ]
        status = dataset.get("status", "loading")
        return PageResult(status, dataset, _errors(pipe.events), results)
    finally:
        proc.kill()
        proc.wait()
        os.close(to_browser_w)
        os.close(from_browser_r)
        shutil.rmtree(profile, ignore_errors=True)
