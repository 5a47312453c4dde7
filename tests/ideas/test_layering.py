"""The ideas app sits below feedback_loop: none of its modules imports it (architecture)."""

import ast
from pathlib import Path

import ideas

FORBIDDEN = "feedback_loop"


def imported_modules(source: str) -> set[str]:
    """Every module an `import` or `from ... import` statement names (relative ones skipped)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_helper_sees_every_kind_of_import():
    source = "import feedback_loop\ndef f():\n    from feedback_loop.services import x\n"
    assert imported_modules(source) == {"feedback_loop", "feedback_loop.services"}


def test_no_module_of_ideas_imports_feedback_loop():
    package = Path(ideas.__file__).parent
    files = sorted(package.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(package)): sorted(
            name
            for name in imported_modules(path.read_text(encoding="utf-8"))
            if name == FORBIDDEN or name.startswith(f"{FORBIDDEN}.")
        )
        for path in files
    }
    assert {path: names for path, names in offenders.items() if names} == {}
