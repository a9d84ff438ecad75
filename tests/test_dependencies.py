"""DESIGN.md's dependency direction: ``plan`` <- ``supervision`` <- ``projects``, ``indicators``
<- ``dashboard``. No app reaches one above it, nor ``projects`` and ``indicators`` each other:
not by an import, not by ``importlib.import_module``, not by ``apps.get_model(...)``, and not by
a string naming another app's model (``ForeignKey("projects.Project")``, ``"projects.Project"``).
Where a lower app must act on rows of a higher one, the higher app registers with it
(``supervision.registry``)."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

FORBIDDEN = {
    "plan": {"supervision", "projects", "indicators", "dashboard"},
    "supervision": {"projects", "indicators", "dashboard"},
    "projects": {"indicators", "dashboard"},
    "indicators": {"projects", "dashboard"},
}
MODEL_LABEL = re.compile(r"^(?P<app>[a-z_]+)\.(?P<model>[A-Z]\w*)$")


def offences(source: str, app: str, name: str = "<source>") -> list[str]:
    """Every reference in ``source`` (a module of ``app``) to an app it may not depend on."""
    forbidden = FORBIDDEN[app]
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module]
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            literals = [
                arg.value
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            ]
            if called == "get_model" and literals:  # apps.get_model("projects", "Project")
                targets = [literals[0].split(".")[0]]
            elif called == "import_module" and literals:
                targets = [literals[0]]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            label = MODEL_LABEL.match(node.value)  # "projects.Project" in a relation
            if label:
                targets = [label["app"]]
        found += [f"{name}: {target}" for target in targets if target.split(".")[0] in forbidden]
    return found


@pytest.mark.parametrize("app", FORBIDDEN)
def test_an_app_reaches_only_what_lies_below_it(app):
    found = []
    root = Path(settings.BASE_DIR)
    for path in sorted((root / app).rglob("*.py")):
        found += offences(path.read_text(encoding="utf-8"), app, str(path.relative_to(root)))
    assert found == []


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("plan", "from supervision.models import TaskReport"),
        ("plan", "import dashboard.views"),
        ("supervision", "from projects.models import Project"),
        ("supervision", "apps.get_model('projects', 'Project')"),
        ("supervision", "apps.get_model('indicators.Observation')"),
        ("supervision", "importlib.import_module('dashboard.cockpit')"),
        ("supervision", "x = models.ForeignKey('projects.Project', on_delete=models.CASCADE)"),
        ("plan", "evidence = GenericRelation('supervision.Evidence')"),
        ("projects", "from indicators.models import Indicator"),
        ("indicators", "Target = apps.get_model('projects', 'Annex')"),
    ],
)
def test_the_rule_catches_each_way_of_reaching_up(app, source):
    assert offences(source, app) != []


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("supervision", "from plan.models import Task"),
        ("projects", "from supervision.registry import register"),
        ("dashboard", "from projects.models import Project"),
        ("supervision", "reverse('projects:my-projects')"),  # a URL name, not a model
        ("supervision", "x = models.ForeignKey('plan.Unit', on_delete=models.PROTECT)"),
    ],
)
def test_the_rule_allows_what_runs_downwards(app, source):
    assert (offences(source, app) if app in FORBIDDEN else []) == []
