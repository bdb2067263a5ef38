"""Where the built graph is kept: the embedded kglite file (default) or a Neo4j server, both behind one
interface (base.GraphStore, opened with base.open_store); the bundled Neo4j server and its admin-import
first load live here too."""
