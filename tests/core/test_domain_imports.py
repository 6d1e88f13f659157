"""Who may import whom among the domains: the rules the layout rests on, checked on every module's imports."""

import ast
from pathlib import Path

NALW = Path(__file__).resolve().parents[2] / "nalw"
SHARED = {"core", "extensions", "config"}


def imported_domains(package):
    """The other nalw packages the modules of `package` import, anywhere in the module (functions included)."""
    found = {}
    for path in sorted((NALW / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                parts = name.split(".")
                if parts[0] == "nalw" and len(parts) > 1 and parts[1] not in SHARED | {package}:
                    found.setdefault(parts[1], []).append(str(path.relative_to(NALW)))
    return found


def test_insight_reads_members_and_accounts_only():
    assert set(imported_domains("insight")) <= {"members", "accounts"}, imported_domains("insight")


def test_only_admin_and_the_entry_point_import_insight_and_no_domain_imports_admin():
    for package in [path.name for path in NALW.iterdir() if path.is_dir() and path.name not in SHARED]:
        imports = imported_domains(package)
        if package != "admin":
            assert "insight" not in imports, (package, imports["insight"])
        assert "admin" not in imports or package == "admin", (package, imports.get("admin"))
