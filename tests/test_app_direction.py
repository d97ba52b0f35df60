"""One direction between apps: each app may use those to its left in the chain
partners ← gis ← cases ← inspections ← decisions ← demo, never one to its right — not by
import, and not by name either ("inspections.Visit", ``apps.get_model("gis", ...)``, a
task's dotted path). An app further left learns of the others through its registries
(gis/flags.py, gis/history.py, partners/privacy.py, partners/backup.py), which they fill
in their ``AppConfig.ready``.

Every module of every app is read with ``ast`` (migrations too: their foreign keys are
the models' own); the project package ``config`` wires the apps together and is left out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

CHAIN = ["partners", "gis", "cases", "inspections", "decisions", "demo"]
ROOT = Path(__file__).resolve().parent.parent
# "gis.Premises", "inspections.finding", "gis.tasks.refresh_risk": an app's name, a dot,
# then a name — a model label or a module path. Sentences and template paths do not match.
NAMED = re.compile(r"^({})\.[A-Za-z_]\w*(\.\w+)*$".format("|".join(CHAIN)))


def referred_apps(source: str) -> list[tuple[int, str, str]]:
    """(line, app, what) for every app of the chain the source refers to: imports,
    strings naming a model or module, and ``get_model`` calls."""
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if NAMED.match(node.value):
                names = [node.value]
        elif isinstance(node, ast.Call) and called_name(node) == "get_model" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names = [first.value]
        for name in names:
            app = name.split(".")[0]
            if app in CHAIN:
                found.append((getattr(node, "lineno", 0), app, name))
    return found


def called_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return ""


def wrong_way(app: str, source: str) -> list[str]:
    rank = CHAIN.index(app)
    wrong = {
        (line, name) for line, target, name in referred_apps(source) if CHAIN.index(target) > rank
    }
    return [f"line {line}: {name}" for line, name in sorted(wrong)]


def test_no_app_refers_to_one_to_its_right() -> None:
    problems = []
    for app in CHAIN:
        for path in sorted((ROOT / app).rglob("*.py")):
            for problem in wrong_way(app, path.read_text(encoding="utf-8")):
                problems.append(f"{path.relative_to(ROOT)} {problem}")
    assert problems == [], "\n".join(problems)


def test_every_app_of_the_chain_is_read() -> None:
    # A renamed or missing app would otherwise pass unread.
    present = [app for app in CHAIN if (ROOT / app / "apps.py").is_file()]
    assert present == [app for app in CHAIN if (ROOT / app).is_dir()]
    assert {"partners", "gis", "inspections", "decisions"} <= set(present)


def test_the_check_finds_each_kind_of_reference() -> None:
    source = """
import decisions.models
from inspections.models import Visit
from gis import flags
visit = apps.get_model("inspections", "Visit")
premises = apps.get_model("gis.Premises")
label = "decisions.JointReport"
task = "inspections.tasks.refresh"
"""
    assert wrong_way("partners", source) == [
        "line 2: decisions.models",
        "line 3: inspections.models",
        "line 4: gis",
        "line 5: inspections",
        "line 6: gis.Premises",
        "line 7: decisions.JointReport",
        "line 8: inspections.tasks.refresh",
    ]
    # To the left is allowed, and so are sentences and template paths.
    assert wrong_way("demo", source) == []
    assert wrong_way("partners", '"see inspections.Visit"\n"inspections/visit.html"\n') == []
