"""`cases` depends on `sharing`, never the reverse (docs/architecture.md says why)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import vangnet.sharing

ROOT = Path(vangnet.sharing.__file__).parent


def test_sharing_never_imports_cases():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue  # the move's migrations name the cases app's history, as they must
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("vangnet.cases")]
    assert offenders == []


def test_sharing_templates_use_no_cases_template_or_url():
    pattern = re.compile(r"""["']cases[/:]""")
    offenders = [
        path.name
        for path in (ROOT / "templates").rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
