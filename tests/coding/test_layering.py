"""Coding sits below the monitor: it tells, by a signal, and never imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import vangnet.coding


def test_coding_never_imports_the_monitor():
    root = Path(vangnet.coding.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("vangnet.monitor")]
    assert offenders == []
