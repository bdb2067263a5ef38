"""vbgraph: Vietnamese government documents → legal-reference knowledge graph."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vbgraph")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"
