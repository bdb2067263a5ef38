"""`vbgraph browse` and `vbgraph show` in a real browser.

Debian's chromium runs headless and is driven over the Chrome DevTools Protocol (a small websocket client
below, standard library only): the generated page is opened from a file:// URL, its own JavaScript runs,
and the test reads the vis DataSets the page rendered, the console errors and exceptions, and whether a
hostile title ran.  Without chromium these tests skip, except on CI (CI=true), where they fail.

Screenshots: every browser test saves a PNG under pytest's tmp dir; with VBGRAPH_SCREENSHOTS=DIR the
README's screenshots are written to DIR as well (``VBGRAPH_SCREENSHOTS=docs pytest tests/test_browse.py``).
"""
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

import networkx as nx
import pytest

from vbgraph.views import browse
from vbgraph.views.browse import FocusError, render_page, resolve_focus, select_view, write_page

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--window-size=1400,900")


# --------------------------------------------------------------------------- graphs


def hostile_graph() -> nx.MultiDiGraph:
    """Every node kind and edge type the page styles, with hostile text in titles, names and sentences."""
    g = nx.MultiDiGraph()

    def node(node_id, labels, **props):
        g.add_node(node_id, id=node_id, labels=labels, **props)

    node("vn/tay-ninh/2024/1-kh-ubnd", ["Document", "Plan"], symbol="1/KH-UBND", doc_type="Kế hoạch",
         date="2024-01-02", year=2024, title=f"Kế hoạch {HOSTILE}", issuer="UBND tỉnh Tây Ninh",
         scope="Tây Ninh", status="không xác định", resolution="resolved", written_forms=["1/KH-UBND"])
    node("vn/national/2021/33-ct-ttg", ["Document"], symbol="33/CT-TTg", doc_type="Chỉ thị", date="2021-11-26",
         year=2021, title="về tiếp tục tăng cường & đổi mới công tác dân vận", issuer="Thủ tướng Chính phủ",
         scope="national", status="còn hiệu lực", resolution="resolved")
    node("vn/unresolved/luat-x", ["Document"], name='Luật "X" <b>năm</b> 2013', resolution="unresolved",
         status="không xác định")
    node("agency/tay-ninh/so-noi-vu", ["Agency"], name="Sở Nội vụ </script><script>window.__pwned=3</script>",
         province="Tây Ninh")
    node("province/tay-ninh", ["Province"], name="Tây Ninh", kind="tỉnh")
    node("movement/dan-van-kheo", ["Movement"], name="Dân vận khéo")
    node("file/0123456789abcdef", ["SourceFile"], path="data/x/<evil>.txt", sha256="0123456789abcdef" * 4)
    plan = "vn/tay-ninh/2024/1-kh-ubnd"
    prov = dict(file="data/x/<evil>.txt", start=10, end=19, rule="preamble:implements", confidence=1.0)
    g.add_edge(plan, "vn/national/2021/33-ct-ttg", key="IMPLEMENTS|a", type="IMPLEMENTS",
               sentence=f"Thực hiện Chỉ thị số 33/CT-TTg {HOSTILE};", resolution="resolved", **prov)
    g.add_edge(plan, "vn/national/2021/33-ct-ttg", key="CITES|b", type="CITES", sentence="… 33/CT-TTg …", **prov)
    g.add_edge(plan, "vn/unresolved/luat-x", key="CITES|c", type="CITES", sentence="Luật X", **prov)
    g.add_edge(plan, "agency/tay-ninh/so-noi-vu", key="ASSIGNS|d", type="ASSIGNS", task=HOSTILE,
               deadline="2024-06-30", **prov)
    g.add_edge(plan, "movement/dan-van-kheo", key="PROMOTES|e", type="PROMOTES", sentence="Dân vận khéo", **prov)
    g.add_edge(plan, "province/tay-ninh", key="LOCATED_IN|f", type="LOCATED_IN", file=prov["file"])
    g.add_edge(plan, "file/0123456789abcdef", key="EXTRACTED_FROM|g", type="EXTRACTED_FROM", file=prov["file"])
    g.add_edge("agency/tay-ninh/so-noi-vu", "province/tay-ninh", key="LOCATED_IN|h", type="LOCATED_IN")
    return g


@pytest.fixture(scope="module")
def sample_graph() -> nx.MultiDiGraph:
    """The graph of the Tây Ninh 2024 plan, one of the shipped samples (the real extractor, end to end)."""
    from vbgraph.graph.build import build_graph, ingest_text

    path = SAMPLES / "000_37ff60af79915060.txt"
    return build_graph([ingest_text(path.read_text(encoding="utf-8"), str(path))])


# --------------------------------------------------------------------------- the view, without a browser


def test_whole_small_graph_is_drawn_entirely():
    g = hostile_graph()
    view = select_view(g)
    assert len(view.nodes) == g.number_of_nodes() and len(view.edges) == g.number_of_edges()
    assert not view.capped and view.cap_message() is None


def test_focus_by_symbol_id_written_form_and_province_without_marks(sample_graph):
    g = sample_graph
    [cttg] = resolve_focus(g, "33/CT-TTg")
    assert g.nodes[cttg]["symbol"] == "33/CT-TTg"
    assert resolve_focus(g, cttg) == [cttg]
    assert resolve_focus(g, "859/KH-UBND") == resolve_focus(g, "859/kh-ubnd")
    # the old province and the 2025 one (Tây Ninh + Long An) share the name: both are the focus
    assert resolve_focus(g, "tay ninh") == ["province/2025/tay-ninh", "province/tay-ninh"] \
        == resolve_focus(g, "Tây Ninh")
    with pytest.raises(FocusError, match="nothing in the graph"):
        resolve_focus(g, "999/XX-YY")


def test_focused_view_is_capped_nearest_first_and_stays_connected(sample_graph):
    g = sample_graph
    plan = resolve_focus(g, "859/KH-UBND")[0]
    view = select_view(g, focus="859/KH-UBND", hops=2, max_nodes=25)
    assert len(view.nodes) == 25 and view.capped and view.available_nodes > 25
    assert view.nodes[0] == plan
    assert "25 of" in view.cap_message() and "--max-nodes 25" in view.cap_message()
    # legal links come before agencies and movements
    first_hop = [n for n in view.nodes[1:] if g.has_edge(plan, n) or g.has_edge(n, plan)]
    kinds = [g.edges[plan, n, k]["type"] for n in first_hop[:5] for k in g[plan].get(n, {})]
    assert kinds and all(k in browse.LINEAGE_TYPES for k in kinds)
    # every node of the view is reachable from the focus inside the view
    sub = g.subgraph(view.nodes).to_undirected(as_view=True)
    assert set(nx.node_connected_component(sub, plan)) == set(view.nodes)


def test_lineage_follows_only_legal_links(sample_graph):
    view = select_view(sample_graph, focus="33/CT-TTg", hops=1, lineage=True)
    assert view.edges and all(sample_graph.edges[e]["type"] in browse.LINEAGE_TYPES for e in view.edges)
    kinds = {browse.node_kind(sample_graph.nodes[n]) for n in view.nodes}
    assert kinds <= {"Plan", "Document"}


def test_whole_graph_over_the_cap_keeps_plans_first(sample_graph):
    view = select_view(sample_graph, max_nodes=30, max_edges=10)
    assert len(view.nodes) == 30 and len(view.edges) <= 10 and view.capped
    assert browse.node_kind(sample_graph.nodes[view.nodes[0]]) == "Plan"
    assert "of" in view.cap_message() and "--max-edges 10" in view.cap_message()


def test_page_is_self_contained_and_escapes_document_text():
    g = hostile_graph()
    html = render_page(g, select_view(g, focus="1/KH-UBND"))
    # vis-network is inlined: no script, style or font is fetched from anywhere
    assert "<script src" not in html and "<link" not in html and "@import" not in html
    assert "cdnjs" not in html and "jsdelivr" not in html
    # the hostile text appears only escaped: as entities in the markup, \u003c in the JSON
    assert "window.__pwned=1</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e" in html
    assert _tags(html, "script") == 3  # vis-network, the JSON data, the page's own script
    assert _tags(html, "img") == 0


def _tags(markup: str, name: str) -> int:
    """How many <name> elements an HTML parser finds (script bodies are not parsed as markup)."""
    from html.parser import HTMLParser

    found = []

    class Counter(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == name:
                found.append(tag)

    Counter().feed(markup)
    return len(found)


def test_cli_browse_writes_the_page_and_reports_the_cap(tmp_path, capsys):
    from vbgraph.graph import store, surface_cli

    path = tmp_path / "g.json"
    store.write_json(hostile_graph(), path)
    args = _parse(["browse", "--graph", str(path), "--max-nodes", "3", "--out", str(tmp_path / "b.html")])
    assert args.func(args) == 0
    out, err = capsys.readouterr()
    assert "3 nodes" in out and "Showing 3 of 7 nodes" in err
    assert "Showing 3 of 7 nodes" in (tmp_path / "b.html").read_text(encoding="utf-8")
    args = _parse(["browse", "--graph", str(path), "--focus", "nope", "--out", str(tmp_path / "c.html")])
    assert args.func(args) == 2 and "nothing in the graph" in capsys.readouterr().err
    args = _parse(["browse", "--graph", str(tmp_path / "missing.json")])
    assert args.func(args) == 2
    assert surface_cli.DEFAULT_GRAPH.name == "graph.json"


def _parse(argv):
    import argparse

    from vbgraph.views.cli import add_cli

    parser = argparse.ArgumentParser(prog="vbgraph")
    add_cli(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- Chrome DevTools Protocol


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


def _chromium() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """A headless chromium with a DevTools port, for the whole module."""
    exe = _chromium()
    if exe is None:
        reason = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser test cannot run on CI (CI=true): {reason}", pytrace=False)
        pytest.skip(reason)
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while not port_file.exists() or not port_file.read_text().strip():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            err = proc.stderr.read().decode(errors="replace")[-2000:]
            pytest.fail(f"chromium did not open its DevTools port: {err}", pytrace=False)
        time.sleep(0.1)
    port = int(port_file.read_text().split()[0])
    try:
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def page(chromium):
    """A fresh tab driven over CDP; closed after the test."""
    req = urllib.request.Request(f"http://127.0.0.1:{chromium}/json/new?about:blank", method="PUT")
    with urllib.request.urlopen(req, timeout=10) as resp:
        target = json.load(resp)
    cdp = CDP(target["webSocketDebuggerUrl"])
    for domain in ("Runtime", "Log", "Page"):
        cdp.call(f"{domain}.enable")
    cdp.call("Emulation.setDeviceMetricsOverride", width=1400, height=900, deviceScaleFactor=1, mobile=False)
    try:
        yield cdp
    finally:
        cdp.close()
        urllib.request.urlopen(f"http://127.0.0.1:{chromium}/json/close/{target['id']}", timeout=10).close()


def _open(cdp: CDP, path: Path, ready: str, timeout: float = 90.0):
    cdp.call("Page.navigate", url=path.resolve().as_uri())
    end = time.monotonic() + timeout
    while not cdp.evaluate(f"document.readyState === 'complete' && !!({ready})"):
        if time.monotonic() > end:
            raise AssertionError(f"page never became ready ({ready}); errors: {cdp.errors()}")
        cdp.pump(0.25)


def _screenshot(cdp: CDP, tmp_path: Path, name: str) -> Path:
    png = base64.b64decode(cdp.call("Page.captureScreenshot", format="png")["data"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    out = tmp_path / name
    out.write_bytes(png)
    if os.environ.get("VBGRAPH_SCREENSHOTS"):
        target = Path(os.environ["VBGRAPH_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(png)
    return out


RENDERED = """(() => { const v = window.vbgraph; return {
  nodes: v.nodes.length, edges: v.edges.length,
  shownNodes: v.network.body.nodeIndices.length, shownEdges: v.network.body.edgeIndices.length,
  view: v.view, stabilized: v.stabilized, pwned: typeof window.__pwned,
  title: document.title, heading: document.getElementById('title').textContent,
  cap: (document.getElementById('cap') || {}).textContent || null,
  scripts: document.scripts.length, images: document.images.length }; })()"""


# --------------------------------------------------------------------------- in the browser


def test_browser_renders_every_node_and_edge_and_hostile_text_stays_text(page, tmp_path):
    g = hostile_graph()
    path = write_page(g, select_view(g, focus="vn/tay-ninh/2024/1-kh-ubnd"), tmp_path / "hostile.html")
    _open(page, path, "window.vbgraph && window.vbgraph.stabilized")
    r = page.evaluate(RENDERED)
    assert (r["nodes"], r["edges"]) == (g.number_of_nodes(), g.number_of_edges())
    assert (r["shownNodes"], r["shownEdges"]) == (g.number_of_nodes(), g.number_of_edges())
    assert r["cap"] is None and r["view"]["capped"] is False
    # the title is shown as text, with its markup visible and inert
    assert "<script>window.__pwned=1</script>" in r["title"]
    assert '<img src=x onerror="window.__pwned=2">' in r["heading"]
    assert r["scripts"] == 3 and r["images"] == 0
    # tooltips and the details panel: plain text too
    page.evaluate("window.vbgraph.showNode('vn/tay-ninh/2024/1-kh-ubnd')")
    page.evaluate("window.vbgraph.showEdge(window.vbgraph.edges.get({filter: e => e.kind === 'ASSIGNS'})[0].id)")
    details = page.evaluate("document.getElementById('details').textContent")
    assert "window.__pwned=1</script>" in details and "2024-06-30" in details
    tip = page.evaluate("window.vbgraph.nodes.get('agency/tay-ninh/so-noi-vu').title.textContent")
    assert "</script><script>window.__pwned=3</script>" in tip
    page.pump(0.5)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.images.length") == 0
    assert page.errors() == []


def test_browser_filters_search_and_physics_toggle(page, tmp_path):
    g = hostile_graph()
    path = write_page(g, select_view(g), tmp_path / "controls.html")
    _open(page, path, "window.vbgraph && window.vbgraph.stabilized")
    page.evaluate("""(() => { const box = document.querySelector('#node-filters input[data-kind=Agency]');
                      box.click(); })()""")
    shown = page.evaluate("[vbgraph.network.body.nodeIndices.length, vbgraph.network.body.edgeIndices.length]")
    assert shown == [g.number_of_nodes() - 1, g.number_of_edges() - 2]  # the agency and its two edges
    page.evaluate("document.querySelector('#edge-filters input[data-kind=CITES]').click()")
    assert page.evaluate("vbgraph.network.body.edgeIndices.length") == g.number_of_edges() - 4
    hits = page.evaluate("window.vbgraph.search('33/ct-ttg')")
    assert hits == ["vn/national/2021/33-ct-ttg"]
    assert page.evaluate("window.vbgraph.search('tay ninh').length") >= 2  # diacritics folded
    assert page.evaluate("vbgraph.network.getSelectedNodes().length") >= 2
    assert page.evaluate("document.getElementById('physics').checked") is False  # settled, then stopped
    page.evaluate("document.getElementById('physics').click()")
    assert page.evaluate("vbgraph.network.physics.options.enabled") is True
    assert page.errors() == []


def test_browser_capped_view_of_the_sample_plan(page, tmp_path, sample_graph):
    view = select_view(sample_graph, focus="33/CT-TTg", hops=2, max_nodes=40)
    assert view.capped
    path = write_page(sample_graph, view, tmp_path / "capped.html")
    _open(page, path, "window.vbgraph && window.vbgraph.stabilized")
    r = page.evaluate(RENDERED)
    assert r["nodes"] == r["shownNodes"] == 40 == len(view.nodes)
    assert r["edges"] == r["shownEdges"] == len(view.edges)
    assert r["cap"] and "40 of" in r["cap"]
    assert page.errors() == []


def test_browser_screenshot_of_the_browse_view(page, tmp_path, sample_graph):
    view = select_view(sample_graph, focus="859/KH-UBND", hops=1)
    path = write_page(sample_graph, view, tmp_path / "browse.html")
    _open(page, path, "window.vbgraph && window.vbgraph.stabilized")
    [cttg] = resolve_focus(sample_graph, "33/CT-TTg")
    edge = page.evaluate(f"""window.vbgraph.edges.get({{filter: e => e.to === {json.dumps(cttg)}}})[0].id""")
    page.evaluate(f"window.vbgraph.showEdge({json.dumps(edge)})")  # the citing sentence, in the panel
    assert "33/CT-TTg" in page.evaluate("document.getElementById('details').textContent")
    page.evaluate("window.vbgraph.network.fit()")
    page.pump(0.5)
    assert page.evaluate("window.vbgraph.nodes.length") == len(view.nodes)
    _screenshot(page, tmp_path, "browse.png")
    assert page.errors() == []


def test_browser_show_view_highlights_and_escapes(page, tmp_path):
    from vbgraph.views.show import highlights, show_html

    source = SAMPLES / "002_8f22e1142d4e47e2.txt"
    raw = source.read_text(encoding="utf-8")
    path = tmp_path / "show.html"
    path.write_text(show_html(raw, source.name), encoding="utf-8")
    _open(page, path, "document.querySelectorAll('mark.entity').length > 0")
    marks = page.evaluate("""Array.from(document.querySelectorAll('mark.entity'))
                              .map(m => m.dataset.kind)""")
    expected = highlights(raw, source.name)[0]
    assert len(marks) == len(expected)
    assert {"citation", "agency"} <= set(marks)
    assert page.evaluate("document.body.textContent").count("60/KH-SVHTTDL") >= 1
    page.evaluate("""(() => { const m = document.querySelector('mark[data-kind=agency]');
                      m.scrollIntoView({block: 'start'});
                      window.scrollBy(0, -document.querySelector('header').offsetHeight - 60); })()""")
    _screenshot(page, tmp_path, "show.png")
    assert page.errors() == []

    hostile = ("KẾ HOẠCH\nThực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ "
               f"{HOSTILE} và &lt;b&gt;.\n")
    path = tmp_path / "show-hostile.html"
    path.write_text(show_html(hostile, "<evil>.txt"), encoding="utf-8")
    _open(page, path, "document.querySelectorAll('mark.entity').length > 0")
    page.pump(0.5)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.images.length") == 0
    assert "<evil>.txt" in page.evaluate("document.title")
    assert page.errors() == []
