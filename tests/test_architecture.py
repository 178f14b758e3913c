"""Imports run one way (DESIGN.md; the contract is [tool.importlinter] in pyproject.toml): no domain
app imports the project package (config) or the importers, the site's machinery (portal) and the
typesetting know no domain, and roundtable imports no domain app but speakers.

And the project's modules import one another at their top, where a reader (and Python) sees the
whole graph, and that graph has no circle: a circle works or breaks by the order modules happen
to load in, and an import inside a function hides one until that function runs. AppConfig.ready
is the exception Django makes: it runs once the models are loaded."""

import ast
import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]


def test_imports_run_one_way():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def project_packages():
    return {
        config.name for config in apps.get_app_configs() if Path(config.path).is_relative_to(ROOT)
    }


def modules(packages):
    """{dotted name: path} of the project's modules, migrations aside."""
    found = {}
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" not in relative.parts:
                found[".".join(relative.parts).removesuffix(".__init__")] = path
    return found


def imported(node):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        # `from proceedings import builds` imports the module proceedings.builds.
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def local_imports(path, packages):
    """(line, module) of the imports of `packages` inside functions of the module at `path`,
    AppConfig.ready's aside."""
    found = []
    for function in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready" and path.name == "apps.py":
            continue
        for node in ast.walk(function):
            for module in imported(node):
                if module.split(".")[0] in packages:
                    found.append((node.lineno, module))
    return found


def test_no_function_imports_another_module_of_the_project():
    packages = project_packages()
    hidden = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for package in sorted(packages)
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, module in local_imports(path, packages)
    ]
    assert hidden == []


def circle_from(start, graph):
    """A list of modules leading from `start` back to it, or None."""
    paths = [[start]]
    seen = set()
    while paths:
        path = paths.pop()
        for module in sorted(graph[path[-1]]):
            if module == start:
                return path
            if module not in seen:
                seen.add(module)
                paths.append([*path, module])
    return None


def test_no_module_of_the_project_imports_itself_around_a_circle():
    found = modules(project_packages())
    graph = {
        name: {
            module
            for node in ast.parse(path.read_text(), str(path)).body
            for module in imported(node)
            if module in found and module != name
        }
        for name, path in found.items()
    }
    circles = [
        " → ".join([*path, name]) for name in sorted(graph) if (path := circle_from(name, graph))
    ]
    assert circles == []
