"""exportgraph: a comparative knowledge graph of export controls on sensitive goods."""

__version__ = "0.1.0"
