"""Rules that matter, as tests rather than paragraphs (docs: conventions)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["kesos", "ppks", "lks", "pilar"]


def view_modules():
    for app in APPS:
        yield from (ROOT / app).rglob("views.py")


def test_views_read_only_through_selectors_never_through_a_model_manager():
    """A view that queries `Model.objects` bypasses `visible_to(user)`: the door a leak walks through."""
    offences = []
    for path in view_modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} uses .{node.attr}")
    assert offences == []


def test_the_rule_above_looks_at_every_views_module():
    found = {str(p.relative_to(ROOT)) for p in view_modules()}
    assert {"ppks/views.py", "ppks/api/views.py", "kesos/audit/views.py", "kesos/accounts/views.py"} <= found
