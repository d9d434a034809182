"""Lint rules: one module per rule, each with its code, documentation and examples.

`registry` lists them and decides which rule reports a site.
"""
