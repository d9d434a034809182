"""termshift: move a codebase from one domain vocabulary to another."""

__version__ = "0.1.0"
