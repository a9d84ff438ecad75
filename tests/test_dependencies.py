"""DESIGN.md's dependency direction: plan <- projects, plan <- indicators, all <- dashboard."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

FORBIDDEN = {
    "plan": {"projects", "indicators", "dashboard"},
    "projects": {"indicators", "dashboard"},
    "indicators": {"projects", "dashboard"},
}


@pytest.mark.parametrize("app", FORBIDDEN)
def test_an_app_imports_only_what_lies_below_it(app):
    offences = []
    for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offences += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN[app]]
    assert offences == []
