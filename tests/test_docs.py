"""The documents (README.md, docs/*.md) name files, commands, settings and links that exist, and
the app map of docs/architecture.md names every module of each package: tests that fail when the
docs rot."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`([^`]+)`")  # a span may go on over a line break
LINK = re.compile(r"\]\(([^)\s]+)\)")
# Made by the commands, not kept in git.
MADE_AT_RUNTIME = {"var", ".venv", ".git"}
# Files named without a directory that belong at the top of the checkout.
TOP_LEVEL_SUFFIXES = (".lock", ".toml", ".md", ".yaml", ".cfg", ".ini")
# Read by the settings, yet the system's rather than the portal's.
SYSTEM_VARIABLES = {"TMPDIR"}
# Modules of a package that the app map needs not name: app configs and modeltranslation's
# registrations (the translated fields' convention says where they are).
UNLISTED_MODULES = {"__init__.py", "apps.py", "translation.py"}


def code_of(document):
    """The document's code: its fenced blocks and inline spans."""
    text = document.read_text()
    return [*FENCED.findall(text), *INLINE_CODE.findall(FENCED.sub("", text))]


def words(document):
    return [word for code in code_of(document) for word in code.split()]


def named_path(word):
    """The path inside the checkout that `word` names, or None if it names none."""
    word = word.strip(",;:()[]'\"").rstrip(
        "."
    )  # a leading dot is a file's: .pre-commit-config.yaml
    if not word or word.startswith(("/", "-")) or any(mark in word for mark in "<>…*=:{}$"):
        return None
    first = word.split("/")[0]
    if first in MADE_AT_RUNTIME:
        return None
    if "/" not in word and not word.endswith(TOP_LEVEL_SUFFIXES):
        return None
    top_level = {entry.name for entry in ROOT.iterdir()}
    if "/" in word and first not in top_level:
        return None  # relative to something else: an API endpoint, a package's own module
    return word


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_path_named_exists(document):
    named = {path for word in words(document) if (path := named_path(word))}

    assert named, "no paths found: the pattern no longer reads the document"
    assert sorted(path for path in named if not (ROOT / path).exists()) == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_link_inside_the_checkout_leads_to_a_file(document):
    targets = {
        target.split("#")[0]
        for target in LINK.findall(document.read_text())
        if "://" not in target and not target.startswith("#")
    }

    assert sorted(t for t in targets if not (document.parent / t).exists()) == []


def test_every_command_named_exists():
    """`manage.py <command>`, `make <target>` and `scripts/portal <command>`."""
    text = "\n".join(code for document in DOCUMENTS for code in code_of(document))
    makefile = (ROOT / "Makefile").read_text()
    script = (ROOT / "scripts" / "portal").read_text()

    manage = set(re.findall(r"manage\.py (\w+)", text))
    make = set(re.findall(r"\bmake ([a-z][\w-]*)", text))
    portal = set(re.findall(r"scripts/portal ([a-z][\w-]*)", text))

    assert {"db_worker", "import_roundtable", "backup"} <= manage
    missing = {
        "manage.py": sorted(manage - set(get_commands())),
        "make": sorted(m for m in make if not re.search(rf"^{m}:", makefile, re.MULTILINE)),
        "scripts/portal": sorted(
            p for p in portal if not re.search(rf"^\s+{p}\)", script, re.MULTILINE)
        ),
    }
    assert missing == {"manage.py": [], "make": [], "scripts/portal": []}


def test_every_environment_variable_read_is_in_the_readmes_table():
    read = set()
    for source in ("config/settings.py", "config/gunicorn.conf.py"):
        code = (ROOT / source).read_text()
        read |= set(
            re.findall(r"""(?:environ\.get|environ\[|env_\w+)\(?\s*["']([A-Z_]+)["']""", code)
        )
    table = {
        name
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([A-Z][A-Z_]+)`", line.split(" | ")[0])
    }

    assert {"DATABASE_URL", "SECRET_KEY", "WEB_CONCURRENCY"} <= read
    assert sorted(read - table - SYSTEM_VARIABLES) == []


def app_map():
    """{package: the backticked names of its row} from docs/architecture.md's table."""
    rows = {}
    for line in (ROOT / "docs" / "architecture.md").read_text().splitlines():
        if match := re.match(r"\| `(\w+)/` \| (.*) \| .* \|$", line):
            rows[match[1]] = set(INLINE_CODE.findall(match[2]))
    return rows


def test_the_app_map_names_every_package_and_every_module_of_each():
    rows = app_map()
    packages = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"config"}

    assert set(rows) == packages
    for package, named in rows.items():
        modules = {
            path.name for path in (ROOT / package).glob("*.py") if path.name not in UNLISTED_MODULES
        }
        assert (package, sorted(modules - named)) == (package, [])
        paths = {name for name in named if name.endswith((".py", "/", ".dic")) and name[0] != "/"}
        assert (package, sorted(p for p in paths if not (ROOT / package / p).exists())) == (
            package,
            [],
        )
