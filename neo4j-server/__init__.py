"""The bundled Neo4j launcher's Maven project (pom.xml, src/), installed as the package data of
``vbgraph.neo4j_launcher`` so that an installed vbgraph can build it (vbgraph.graph.stores.neo4j_server)."""
