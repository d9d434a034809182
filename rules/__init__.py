"""Lint rules: each module reports one kind of legacy-term site."""
