"""Rules that matter, as tests rather than paragraphs (docs: conventions)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["kesos", "ppks", "lks", "pilar"]


def view_modules():
    """views.py and views_*.py modules, and every module of a views/ package."""
    for app in APPS:
        yield from (ROOT / app).rglob("views.py")
        yield from (ROOT / app).rglob("views_*.py")
        for package in (ROOT / app).rglob("views/__init__.py"):
            yield from package.parent.glob("*.py")


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
    assert {"ppks/views/__init__.py", "ppks/api/views.py", "kesos/audit/views.py", "kesos/accounts/views.py",
            "kesos/reports/views_spm.py", "kesos/reports/views_dashboard.py"} <= found  # fmt: skip


def test_a_huge_list_counts_only_up_to_the_cap(db):
    from django.test import RequestFactory

    from kesos.core import pagination
    from kesos.wilayah.models import Wilayah

    page = pagination.page_of(Wilayah.objects.all(), RequestFactory().get("/?page=2"), 25)
    assert page.paginator.capped and page.paginator.count == pagination.CAP + 1
    assert page.number == 2 and len(page.object_list) == 25
