"""Headless chromium for the views: find it, take a screenshot of a page, and drive a tab over the
Chrome DevTools Protocol (a small websocket client, standard library only) — what the browser tests and
benchmarks/views_corpus.py use to read what a page rendered and how long it took."""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--mute-audio",
         "--hide-scrollbars")


def find_chromium() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(html: Path, png: Path, width: int = 1400, height: int = 1000, chromium: str | None = None,
               profile: Path | None = None) -> None:
    """``png``: the page ``html`` as chromium draws it, once its scripts have run."""
    exe = chromium or find_chromium()
    if exe is None:
        raise RuntimeError("a PNG needs chromium (apt-get install chromium); write .html instead")
    command = [exe, *FLAGS, f"--window-size={width},{height}", f"--screenshot={png.resolve()}",
               "--virtual-time-budget=3000", html.resolve().as_uri()]
    if profile:
        command.insert(1, f"--user-data-dir={profile}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium could not take the screenshot: {done.stderr[-500:]}")


def launch(profile: Path, width: int = 1400, height: int = 900, timeout: float = 60.0) -> tuple[subprocess.Popen, int]:
    """A headless chromium with a DevTools port: (the process, the port).  The caller ends the process."""
    exe = find_chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    proc = subprocess.Popen([exe, *FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile}",
                             "--remote-debugging-port=0", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while not port_file.exists() or not port_file.read_text().strip():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"chromium did not open its DevTools port: "
                               f"{proc.stderr.read().decode(errors='replace')[-2000:]}")
        time.sleep(0.1)
    return proc, int(port_file.read_text().split()[0])


def new_tab(port: int, width: int = 1400, height: int = 900) -> tuple["CDP", str]:
    """A fresh tab of the chromium on ``port``, its console and log watched: (client, target id)."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
    with urllib.request.urlopen(req, timeout=10) as resp:
        target = json.load(resp)
    cdp = CDP(target["webSocketDebuggerUrl"])
    for domain in ("Runtime", "Log", "Page"):
        cdp.call(f"{domain}.enable")
    cdp.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
    return cdp, target["id"]


def close_tab(port: int, cdp: "CDP", target_id: str) -> None:
    cdp.close()
    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/close/{target_id}", timeout=10).close()


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class CDP:
    """Just enough of a websocket client (RFC 6455, text frames) to speak CDP to one page target."""

    def __init__(self, ws_url: str, timeout: float = 30.0):
        url = urlparse(ws_url)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {url.path} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            head += chunk
        head, self._buffer = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"DevTools refused the websocket: {head[:200]!r}")
        self._next_id = 0
        self.events: list[dict] = []

    def close(self):
        try:
            self._send_frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()

    def _read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self._buffer)))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _send_frame(self, opcode: int, payload: bytes):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _message(self) -> dict:
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = b0 & 0x0F
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the websocket")
            if opcode in (0x1, 0x2, 0x0):
                parts.append(payload)
                if b0 & 0x80:
                    return json.loads(b"".join(parts).decode("utf-8"))

    def call(self, method: str, **params) -> dict:
        self._next_id += 1
        my_id = self._next_id
        self._send_frame(0x1, json.dumps({"id": my_id, "method": method, "params": params}).encode())
        while True:
            msg = self._message()
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def pump(self, seconds: float):
        """Collect events for a while (console messages, exceptions) without a pending call."""
        end = time.monotonic() + seconds
        self.sock.settimeout(0.2)
        try:
            while time.monotonic() < end:
                try:
                    msg = self._message()
                except (socket.timeout, TimeoutError):
                    continue
                if "method" in msg:
                    self.events.append(msg)
        finally:
            self.sock.settimeout(30.0)

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors seen so far."""
        out = []
        for ev in self.events:
            p = ev.get("params", {})
            if ev["method"] == "Runtime.exceptionThrown":
                out.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:500])
            elif ev["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console.error: " + json.dumps(p.get("args", []))[:500])
            elif ev["method"] == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append("log: " + p["entry"].get("text", "")[:500])
        return out
