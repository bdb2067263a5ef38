"""A real Neo4j server without Docker: start, stop and find the bundled embedded Neo4j.

The server is the runnable jar built from ``neo4j-server/`` (Neo4j Community 5.26 LTS, Bolt on
127.0.0.1, auth disabled). This module builds it with Maven when it is missing, starts it as a
background process, waits until a real ``RETURN 1`` succeeds through the official driver, and
keeps a pid file, a small JSON state file and the server log under a state folder (default
``.vbgraph/neo4j/``) so that ``start`` and ``stop`` can run in different processes::

    python -m vbgraph.graph.stores.neo4j_server start --port 7687     # or: vbgraph neo4j start
    python -m vbgraph.graph.stores.neo4j_server status
    python -m vbgraph.graph.stores.neo4j_server stop

Other modules that talk to Neo4j call :func:`connect_settings` for ``(uri, auth)``: it honours
``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` for a server elsewhere (the password is never
printed), else the server this module started, else ``bolt://127.0.0.1:7687``.

The launcher is built with Maven from ``neo4j-server/`` of a checkout (into its target/, again when
its sources are newer than the jar), or, for an installed vbgraph, from the copy shipped as package
data (``vbgraph.neo4j_launcher``) into ``~/.cache/vbgraph/neo4j-server-<digest>/``: built once, on
the first start, and reused.

Environment: ``VBGRAPH_NEO4J_JAR`` (use this jar, never build), ``JAVA_HOME`` (which java),
``XDG_CACHE_HOME`` (instead of ~/.cache).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 7687
DEFAULT_STATE_DIR = Path(".vbgraph/neo4j")
JAR_NAME = "vbgraph-neo4j-server.jar"
JAVA_FLAGS = (
    "-Xmx1g",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
READY_MARK = "vbgraph-neo4j-server: ready"
MIN_JAVA = 17
# exit codes of the jar (see neo4j-server/src/main/java/vbgraph/neo4jserver/Main.java)
_JAR_EXIT = {1: "Neo4j failed to start", 2: "bad arguments", 3: "port already in use"}

PID_FILE = "neo4j.pid"
STATE_FILE = "neo4j.json"
LOG_FILE = "neo4j.log"
BUILD_LOG_FILE = "build.log"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# servers started by this process: reaped with wait() so none is left a zombie
_CHILDREN: dict[int, subprocess.Popen] = {}


class Neo4jServerError(RuntimeError):
    """Neo4j could not be built, started, reached or stopped; the message says why."""


@dataclass
class ServerInfo:
    pid: int
    port: int
    data: str
    log: str
    jar: str
    started_at: float
    already_running: bool = False

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.port}"


@dataclass
class Status:
    running: bool
    state_dir: str
    pid: int | None = None
    port: int | None = None
    uri: str | None = None
    data: str | None = None
    log: str | None = None
    answering: bool = False
    version: str | None = None
    problem: str | None = None


# --- connecting ---------------------------------------------------------------------------


def connect_settings(state_dir: str | os.PathLike | None = None) -> tuple[str, tuple[str, str] | None]:
    """``(uri, auth)`` for the official driver: ``GraphDatabase.driver(uri, auth=auth)``.

    NEO4J_URI (with NEO4J_USER, default "neo4j", and NEO4J_PASSWORD) wins; else the server
    started by this module in ``state_dir``; else ``bolt://127.0.0.1:7687``. ``auth`` is None
    when neither user nor password is set (the bundled server has auth disabled and accepts
    any credentials).
    """
    user = (os.environ.get("NEO4J_USER") or os.environ.get("NEO4J_USERNAME") or "").strip()
    password = os.environ.get("NEO4J_PASSWORD")
    auth = (user or "neo4j", password or "") if (user or password) else None
    uri = (os.environ.get("NEO4J_URI") or "").strip()
    if uri:
        return uri, auth
    info = _running_info(_state_dir(state_dir))
    if info is not None:
        return info.uri, auth
    return f"bolt://{HOST}:{DEFAULT_PORT}", auth


def describe_settings(uri: str, auth: tuple[str, str] | None) -> str:
    """A printable form of connection settings: never the password."""
    uri = redact(uri)
    if auth is None:
        return f"{uri} (no auth)"
    return f"{uri} as {auth[0]} (password {'set' if auth[1] else 'empty'})"


# user[:password]@ after a scheme, wherever it stands in a text (the driver's own messages repeat the URI)
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][\w+.-]*://)(?P<user>[^/@:\s]*)(?::(?P<password>[^/@\s]*))?@")
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def redact(text: str) -> str:
    """``text`` with the password of every URI in it replaced by ***."""
    return _USERINFO.sub(lambda m: m["scheme"] + m["user"] + (":***" if m["password"] is not None else "") + "@",
                         text)


def split_credentials(uri: str, auth: tuple[str, str] | None) -> tuple[str, tuple[str, str] | None]:
    """``bolt://user:password@host``: the URI without its credentials, and those as auth (the driver
    refuses credentials in a URI, and its error message would repeat the password)."""
    m = _USERINFO.match(uri)
    if not m:
        return uri, auth
    from urllib.parse import unquote

    return m["scheme"] + uri[m.end():], (unquote(m["user"]) or "neo4j", unquote(m["password"] or ""))


def connect(uri: str | None = None, timeout: float = 5.0) -> tuple[str, tuple[str, str] | None]:
    """``(uri, auth)`` of a server that answers now, tried once without the driver's retries (so that
    a server that is down fails in seconds); Neo4jServerError in one line naming the URI (without its
    password) and what to do.  ``uri`` None: :func:`connect_settings`."""
    env_uri, auth = connect_settings()
    uri, auth = split_credentials(uri or env_uri, auth)
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in BOLT_SCHEMES:
        raise Neo4jServerError(f"{redact(uri)} is not a Bolt URI: vbgraph talks to Neo4j over Bolt, "
                               "e.g. bolt://127.0.0.1:7687 (neo4j://… for a cluster)")
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ServiceUnavailable

    try:
        with GraphDatabase.driver(uri, auth=auth, connection_timeout=timeout) as driver:
            driver.verify_connectivity()
    except Exception as e:  # the driver's exceptions have no common base worth naming here
        hint = {ServiceUnavailable: "is the server running? `vbgraph neo4j start` starts the bundled one",
                AuthError: "check NEO4J_USER and NEO4J_PASSWORD"}.get(type(e), "check the URI and the server")
        raise Neo4jServerError(f"cannot connect to Neo4j at {describe_settings(uri, auth)}: "
                               f"{one_line(e)} — {hint}") from None
    return uri, auth


def one_line(e: BaseException) -> str:
    """An exception as one line, without any password."""
    message = getattr(e, "message", None) or str(e) or type(e).__name__
    return redact(" ".join(str(message).split()))


def check_connection(uri: str, auth: tuple[str, str] | None = None, timeout: float = 10.0) -> str:
    """Run ``RETURN 1`` through the official driver; return the server agent ("Neo4j/5.26.31").

    Raises Neo4jServerError with the driver's reason when it fails.
    """
    try:
        from neo4j import GraphDatabase
    except ImportError as e:  # a declared dependency, but say so plainly
        raise Neo4jServerError(f"the neo4j Python driver is not installed ({e}); pip install neo4j") from e
    try:
        with GraphDatabase.driver(uri, auth=auth, connection_timeout=timeout,
                                  connection_acquisition_timeout=timeout) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS ok")
            if not records or records[0]["ok"] != 1:
                raise Neo4jServerError(f"{redact(uri)}: RETURN 1 gave {records!r}")
            return driver.get_server_info().agent
    except Neo4jServerError:
        raise
    except Exception as e:  # the driver's exceptions have no common base worth naming here
        raise Neo4jServerError(f"cannot run a query on {describe_settings(uri, auth)}: "
                               f"{type(e).__name__}: {one_line(e)}") from e


# --- prerequisites ------------------------------------------------------------------------


def repo_root() -> Path | None:
    """The source checkout holding neo4j-server/pom.xml, when running from one."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "neo4j-server" / "pom.xml").is_file() else None


def launcher_source() -> Path:
    """The launcher's Maven project (pom.xml, src/): the checkout's neo4j-server/, else the copy an
    installed vbgraph ships as package data (vbgraph.neo4j_launcher)."""
    root = repo_root()
    if root is not None:
        return root / "neo4j-server"
    from importlib.resources import files

    return Path(str(files("vbgraph.neo4j_launcher")))


def _source_files(project: Path) -> list[Path]:
    return [project / "pom.xml", *sorted((project / "src").rglob("*.java"))]


def _build_dir() -> Path:
    """Where the jar is built: the checkout's neo4j-server/, else a cache folder named by the launcher's
    sources (~/.cache/vbgraph/neo4j-server-<digest>), so that an upgrade builds a new jar."""
    root = repo_root()
    if root is not None:
        return root / "neo4j-server"
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in _source_files(launcher_source()))).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "vbgraph" / f"neo4j-server-{digest}"


def jar_path() -> Path:
    """Where the jar is or would be built: VBGRAPH_NEO4J_JAR, else target/ of the build folder."""
    override = os.environ.get("VBGRAPH_NEO4J_JAR")
    if override:
        return Path(override).expanduser().resolve()
    return _build_dir() / "target" / JAR_NAME


def _stale(jar: Path) -> bool:
    """A jar older than the launcher's sources (edited in a checkout) is built again."""
    if os.environ.get("VBGRAPH_NEO4J_JAR") or repo_root() is None:
        return False
    return max(f.stat().st_mtime for f in _source_files(launcher_source())) > jar.stat().st_mtime


def java_executable() -> str:
    """The java to run (JAVA_HOME first); Neo4jServerError when missing or older than 17."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home and (Path(home) / "bin" / "java").exists() \
        else shutil.which("java")
    if not java:
        raise Neo4jServerError(f"Java {MIN_JAVA}+ is not installed (no `java` on PATH, no JAVA_HOME); "
                               "on Debian/Ubuntu: apt-get install openjdk-17-jdk-headless")
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Neo4jServerError(f"cannot run {java} -version: {e}") from e
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise Neo4jServerError(f"cannot tell the version of {java}: {out.stderr.strip()[:200]}")
    major = int(match.group(1))
    if major == 1:  # "1.8.0_x"
        major = int(match.group(2) or 0)
    if major < MIN_JAVA:
        raise Neo4jServerError(f"{java} is Java {major}; Neo4j 5.26 needs Java {MIN_JAVA} to 21 "
                               "(apt-get install openjdk-17-jdk-headless, or set JAVA_HOME)")
    return java


def missing_prerequisites() -> str | None:
    """Why the bundled server cannot be started here (no Java, no jar and no Maven), or None."""
    try:
        java_executable()
    except Neo4jServerError as e:
        return str(e)
    jar = jar_path()
    if jar.is_file() and not _stale(jar):
        return None
    if os.environ.get("VBGRAPH_NEO4J_JAR"):
        return f"VBGRAPH_NEO4J_JAR={jar} does not exist"
    if not shutil.which("mvn"):
        return (f"{jar} is not built and Maven is not installed to build it "
                "(apt-get install maven, then run .ci/neo4j-setup.sh)")
    return None


def build_jar(state_dir: str | os.PathLike | None = None, timeout: float = 1800) -> Path:
    """Build the jar with Maven (reusing ~/.m2); return its path. Output goes to build.log."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise Neo4jServerError("Maven is not installed (no `mvn` on PATH); "
                               "apt-get install maven, or run .ci/neo4j-setup.sh")
    project = _build_dir()
    source = launcher_source()
    if project != source:             # an installed vbgraph: its package data is copied to the cache
        shutil.rmtree(project, ignore_errors=True)
        for f in _source_files(source):
            target = project / f.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
    state = _state_dir(state_dir)
    state.mkdir(parents=True, exist_ok=True)
    log = state / BUILD_LOG_FILE
    cmd = [mvn, "-q", "-B", "-f", str(project / "pom.xml"), "package", "-DskipTests"]
    print(f"vbgraph: building the Neo4j server jar (first time: ~1 min, downloads to ~/.m2): "
          f"{' '.join(cmd[1:])}", file=sys.stderr)
    with open(log, "w", encoding="utf-8") as out:
        try:
            code = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  cwd=project, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            code = None
    jar = project / "target" / JAR_NAME
    if code != 0 or not jar.is_file():
        why = "timed out" if code is None else f"exit code {code}"
        raise Neo4jServerError(f"building the Neo4j server jar failed ({why}); {log}:\n{_tail(log)}")
    return jar


def ensure_jar(state_dir: str | os.PathLike | None = None) -> Path:
    """The jar, built first when it is missing or older than the launcher's sources."""
    jar = jar_path()
    if jar.is_file() and not _stale(jar):
        return jar
    if os.environ.get("VBGRAPH_NEO4J_JAR"):
        raise Neo4jServerError(f"VBGRAPH_NEO4J_JAR={jar} does not exist")
    return build_jar(state_dir)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return True
    return False


# --- start / stop / status ----------------------------------------------------------------


def start(port: int | None = None, data: str | os.PathLike | None = None,
          state_dir: str | os.PathLike | None = None, timeout: float = 180.0,
          build: bool = True) -> ServerInfo:
    """Start the bundled server in the background and wait until ``RETURN 1`` works.

    ``port`` None means 7687, 0 means any free port; ``data`` defaults to ``<state_dir>/data``
    (kept between runs). If this state folder's server is already running (and ``port`` is None
    or its port) it is returned with ``already_running=True``.
    """
    state = _state_dir(state_dir)
    existing = _running_info(state)
    if existing is not None:
        if port in (None, existing.port):
            existing.already_running = True
            return existing
        raise Neo4jServerError(f"a server from {state} already runs on port {existing.port} "
                               f"(pid {existing.pid}); stop it first")
    if port is None:
        port = DEFAULT_PORT
    elif port == 0:
        port = free_port()
    if port_in_use(port):
        raise Neo4jServerError(f"port {port} on {HOST} is already in use (another Neo4j?); "
                               "choose another with --port, or stop what listens there")
    java = java_executable()
    jar = ensure_jar(state) if build else jar_path()
    if not jar.is_file():
        raise Neo4jServerError(f"the Neo4j server jar is not built ({jar}); run .ci/neo4j-setup.sh")
    data_dir = Path(data).expanduser().resolve() if data else (state / "data").resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        state.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise Neo4jServerError(f"cannot create the data or state folder: {e}") from e
    log = state / LOG_FILE

    cmd = [java, *JAVA_FLAGS, "-jar", str(jar), "--port", str(port), "--data", str(data_dir)]
    with open(log, "w", encoding="utf-8") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        # a session of its own: the server outlives `vbgraph neo4j start` and ignores its Ctrl-C
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=state, start_new_session=True)
    _CHILDREN[proc.pid] = proc
    info = ServerInfo(pid=proc.pid, port=port, data=str(data_dir), log=str(log.resolve()),
                      jar=str(jar), started_at=time.time())
    (state / PID_FILE).write_text(f"{proc.pid}\n", encoding="utf-8")
    (state / STATE_FILE).write_text(json.dumps(asdict(info), indent=2) + "\n", encoding="utf-8")

    try:
        _wait_ready(proc, info, timeout)
    except BaseException:
        _terminate(proc.pid, 20.0)
        _forget(state)
        raise
    return info


def stop(state_dir: str | os.PathLike | None = None, timeout: float = 30.0) -> bool:
    """Stop the server of this state folder: SIGTERM, then SIGKILL after ``timeout`` seconds.

    Returns False when none was running (a stale pid file is removed).
    """
    state = _state_dir(state_dir)
    info = _running_info(state)
    if info is None:
        _forget(state)
        return False
    _terminate(info.pid, timeout)
    _forget(state)
    return True


def status(state_dir: str | os.PathLike | None = None, timeout: float = 5.0) -> Status:
    """Whether this state folder's server runs, and whether it answers ``RETURN 1``."""
    state = _state_dir(state_dir)
    info = _running_info(state)
    if info is None:
        return Status(running=False, state_dir=str(state))
    st = Status(running=True, state_dir=str(state), pid=info.pid, port=info.port, uri=info.uri,
                data=info.data, log=info.log)
    try:
        st.version = check_connection(info.uri, None, timeout)
        st.answering = True
    except Neo4jServerError as e:
        st.problem = str(e)
    return st


def _wait_ready(proc: subprocess.Popen, info: ServerInfo, timeout: float) -> None:
    log = Path(info.log)
    deadline = time.monotonic() + timeout
    last_problem = "the server printed no ready line"
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            why = _JAR_EXIT.get(code, f"exit code {code}")
            raise Neo4jServerError(f"the Neo4j server stopped during start ({why}); {log}:\n{_tail(log)}")
        if READY_MARK in log.read_text(encoding="utf-8", errors="replace"):
            try:
                check_connection(info.uri, None, timeout=min(10.0, max(1.0, deadline - time.monotonic())))
                return
            except Neo4jServerError as e:
                last_problem = str(e)
        time.sleep(0.2)
    raise Neo4jServerError(f"the Neo4j server did not answer within {timeout:.0f} s ({last_problem}); "
                           f"{log}:\n{_tail(log)}")


def _terminate(pid: int, timeout: float) -> None:
    proc = _CHILDREN.pop(pid, None)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    if _wait_gone(pid, proc, timeout):
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if not _wait_gone(pid, proc, 10.0):
        raise Neo4jServerError(f"the Neo4j server (pid {pid}) did not exit even after SIGKILL")


def _wait_gone(pid: int, proc: subprocess.Popen | None, timeout: float) -> bool:
    if proc is not None:
        try:
            proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie answers kill(0) but is gone for our purposes
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _running_info(state: Path) -> ServerInfo | None:
    """The recorded server when its process still runs and is really that server."""
    try:
        pid = int((state / PID_FILE).read_text().strip())
        recorded = json.loads((state / STATE_FILE).read_text(encoding="utf-8"))
        info = ServerInfo(**{k: recorded[k] for k in ("pid", "port", "data", "log", "jar", "started_at")})
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if info.pid != pid or not _alive(pid):
        return None
    try:  # guard against a recycled pid: the process must be running our jar
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if info.jar.encode() not in cmdline:
            return None
    except OSError:
        pass  # no /proc (macOS): trust the pid file
    return info


def _forget(state: Path) -> None:
    for name in (PID_FILE, STATE_FILE):
        try:
            (state / name).unlink()
        except FileNotFoundError:
            pass


def _state_dir(state_dir: str | os.PathLike | None) -> Path:
    return Path(state_dir) if state_dir is not None else DEFAULT_STATE_DIR


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as e:
        return f"(no log: {e})"
    # Maven 3.8 writes colour resets even in batch mode
    return "\n".join("    " + _ANSI.sub("", line) for line in text[-lines:])


# --- command line -------------------------------------------------------------------------


def add_cli(subparsers) -> argparse.ArgumentParser:
    """Register ``neo4j start|stop|status`` on an argparse subparsers object (vbgraph/cli.py)."""
    p = subparsers.add_parser(
        "neo4j", help="start, stop or check the bundled Neo4j server (no Docker needed)",
        description="The bundled Neo4j Community 5.26 server: Bolt on 127.0.0.1, auth disabled. "
                    "Needs Java 17+; builds its jar with Maven on first use. "
                    "Set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) to use a server elsewhere instead.")
    p.add_argument("action", choices=["start", "stop", "status"])
    p.add_argument("--port", type=int, default=None,
                   help=f"Bolt port on {HOST} (default {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument("--data", default=None, help="the server's data folder (default <state>/data, kept)")
    p.add_argument("--state", default=str(DEFAULT_STATE_DIR),
                   help="folder for the pid file, state and log (default %(default)s)")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for start (default 180)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_cmd_neo4j)
    return p


def _cmd_neo4j(args) -> int:
    """Exit codes: 0 done / running, 1 failed, 3 status: not running."""
    try:
        if args.action == "start":
            info = start(port=args.port, data=args.data, state_dir=args.state, timeout=args.timeout)
            verb = "already running" if info.already_running else "started"
            _print(args, {**asdict(info), "uri": info.uri},
                   f"Neo4j {verb}: {info.uri} (pid {info.pid}, data {info.data}, log {info.log})")
            return 0
        if args.action == "stop":
            stopped = stop(state_dir=args.state)
            _print(args, {"stopped": stopped},
                   "Neo4j stopped" if stopped else f"no Neo4j server from {args.state} was running")
            return 0
        st = status(state_dir=args.state)
        if not st.running:
            uri, auth = connect_settings(args.state)
            text = f"not running (state {st.state_dir}); connections would go to {describe_settings(uri, auth)}"
        elif st.answering:
            text = f"running: {st.uri} {st.version} (pid {st.pid}, data {st.data})"
        else:
            text = f"running but not answering: {st.uri} (pid {st.pid}): {st.problem}"
        _print(args, asdict(st), text)
        return 0 if st.running and st.answering else (1 if st.running else 3)
    except Neo4jServerError as e:
        print(f"vbgraph neo4j {args.action}: {e}", file=sys.stderr)
        return 1


def _print(args, payload: dict, text: str) -> None:
    print(json.dumps(payload, indent=2) if args.json else text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vbgraph.graph.stores.neo4j_server")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_cli(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] != ["neo4j"]:  # `python -m ... start` as well as `... neo4j start`
        argv.insert(0, "neo4j")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
