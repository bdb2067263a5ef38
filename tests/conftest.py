"""Shared pytest fixtures.

Neo4j: ``neo4j_uri`` and ``neo4j_driver`` give the tests of a session one real Neo4j server:
the one named by NEO4J_URI (with NEO4J_USER / NEO4J_PASSWORD) when set, else the bundled
server (neo4j-server/, needs Java 17+, and Maven the first time) started on a free port with a
temporary data folder and stopped when the session ends. Without Java or Maven those tests skip,
except on CI (CI=true), where a Neo4j test that cannot run fails instead.
"""
from __future__ import annotations

import os

import pytest

from vbgraph.graph.stores import neo4j_server


def _neo4j_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"Neo4j test cannot run on CI (CI=true): {reason}", pytrace=False)
    pytest.skip(f"Neo4j not available: {reason}")


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory):
    """Bolt URI of a running Neo4j server for the whole test session."""
    if os.environ.get("NEO4J_URI"):
        # a server named on purpose: unreachable is an error, not a reason to skip
        uri, auth = neo4j_server.connect_settings()
        neo4j_server.check_connection(uri, auth)
        yield uri
        return
    problem = neo4j_server.missing_prerequisites()
    if problem:
        _neo4j_unavailable(problem)
    state = tmp_path_factory.mktemp("neo4j")
    server = neo4j_server.start(port=0, data=state / "data", state_dir=state)
    try:
        yield server.uri
    finally:
        neo4j_server.stop(state_dir=state)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_uri):
    """The official driver connected to ``neo4j_uri`` (closed at the end of the session)."""
    from neo4j import GraphDatabase

    _, auth = neo4j_server.connect_settings()
    with GraphDatabase.driver(neo4j_uri, auth=auth) as driver:
        yield driver
