"""Backups: the database and the files it points to, with a manifest that proves them whole.

A backup is a directory:

    manifest.json     when, which database, pg_dump's version, the applied migrations, each
                      table's row count, each file's path, size and SHA-256, the dump's SHA-256
    database.dump     pg_dump's custom format (-Fc)
    files/<root>/…    a plain copy of each file root: `papers` (uploads and the built books,
                      PAPERS_ROOT) and `media` (MEDIA_ROOT)

The dump and the row counts come from one snapshot (pg_export_snapshot), so the counts are those
of the dump even while people keep working. The book cache (BOOK_CACHE_DIR) is left out: it is
rebuilt on demand. A backup holds API tokens, password hashes and sessions: its directories are
0700 and its files 0600, readable by their owner only.

A restore refuses a backup that others than its owner could have changed (a dump is loaded as it
is, and the manifest that vouches for it could be rewritten along with it), checks every checksum
before it touches anything and refuses a damaged backup; then it loads the dump in one transaction
(pg_restore --clean --if-exists --no-owner), replaces each file root by its copy, and checks the
row counts and the file hashes against the manifest, and empties the cache.
"""

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from psycopg.conninfo import make_conninfo

MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
PRIVATE_DIRECTORY = 0o700
PRIVATE_FILE = 0o600


class BackupError(Exception):
    """A backup that cannot be made, is damaged, or did not restore as it was made."""


def file_roots():
    """The directories whose files a backup keeps, by name."""
    return {
        "papers": Path(settings.STORAGES["papers"]["OPTIONS"]["location"]),
        "media": Path(settings.MEDIA_ROOT),
    }


def default_directory():
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BASE_DIR) / "var" / "backups" / stamp


# --- Making a backup -----------------------------------------------------------------------------


def create(directory, database, roots):
    """Back up `database` (a Django DATABASES entry) and the file `roots` into the new
    `directory`; returns the manifest."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    with private_files():
        directory.mkdir(mode=PRIVATE_DIRECTORY)
        return write_backup(directory, database, roots)


def write_backup(directory, database, roots):
    with connect(database) as connection:
        # One snapshot for the counts, the migrations and pg_dump: they describe the same data.
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        rows = row_counts(connection)
        migrations = applied_migrations(connection)
        pg(
            "pg_dump",
            database,
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={directory / DUMP}",
        )
    manifest = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": database["NAME"],
        "pg_dump_version": pg_version("pg_dump"),
        "migrations": migrations,
        "row_counts": rows,
        "dump": {"path": DUMP, **described(directory / DUMP)},
        "files": copy_roots(roots, directory / FILES),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    for path in [directory, *directory.rglob("*")]:
        path.chmod(PRIVATE_DIRECTORY if path.is_dir() else PRIVATE_FILE)
    return manifest


@contextlib.contextmanager
def private_files():
    """What is created meanwhile (pg_dump's file included) is its owner's only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def copy_roots(roots, target):
    """Copy each root's files under `target`/<root name>; what was copied, hashed from the copy."""
    files = []
    for name, root in sorted(roots.items()):
        for source in sorted(path for path in Path(root).rglob("*") if path.is_file()):
            relative = source.relative_to(root).as_posix()
            copy = target / name / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
            files.append({"root": name, "path": relative, **described(copy)})
    return files


# --- Checking and restoring ----------------------------------------------------------------------


def verify(directory):
    """The manifest of the backup in `directory`, after checking that only its owner may write it
    and the dump's and every file's size and hash; BackupError naming what is wrong otherwise."""
    directory = Path(directory)
    refuse_if_others_can_write(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(
            _("%(directory)s is not a readable backup: %(error)s")
            % {"directory": directory, "error": error}
        ) from error
    wanted = [(directory / manifest["dump"]["path"], manifest["dump"])] + [
        (directory / FILES / entry["root"] / entry["path"], entry) for entry in manifest["files"]
    ]
    problems = mismatches(wanted)
    if problems:
        raise BackupError(
            _("The backup in %(directory)s is damaged; nothing was restored.\n%(problems)s")
            % {"directory": directory, "problems": "\n".join(problems)}
        )
    return manifest


def refuse_if_others_can_write(directory):
    """BackupError if anyone but its owner may write the backup or anything in it."""
    if not directory.is_dir():
        return  # verify() says it is not a readable backup
    for path in [directory, *directory.rglob("*")]:
        mode = path.lstat().st_mode
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise BackupError(
                _(
                    "%(path)s can be changed by other users than its owner (mode %(mode)s), so "
                    "the backup cannot be trusted; nothing was restored. If you know it is "
                    "intact, make it private first: chmod -R go-rwx %(directory)s"
                )
                % {"path": path, "mode": stat.filemode(mode), "directory": directory}
            )


def restore(directory, database, roots):
    """Restore the backup in `directory` into `database` and the file `roots`, after `verify`;
    then check the result against the manifest, and empty the shared cache, whose keys (ids and
    data versions) the restored rows reuse for other content. Returns the manifest."""
    directory = Path(directory)
    manifest = verify(directory)
    pg(
        "pg_restore",
        database,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        str(directory / manifest["dump"]["path"]),
    )
    for name, root in roots.items():
        replace_root(directory / FILES / name, Path(root))
    check_restored(manifest, database, roots)
    cache.clear()
    return manifest


def replace_root(copy, root):
    """Make `root` hold exactly the files of `copy`: built beside it, then swapped in."""
    staging = root.with_name(f".{root.name}.restoring")
    shutil.rmtree(staging, ignore_errors=True)
    if copy.is_dir():
        shutil.copytree(copy, staging)
    else:
        staging.mkdir(parents=True)
    replaced = root.with_name(f".{root.name}.replaced")
    shutil.rmtree(replaced, ignore_errors=True)
    if root.exists():
        root.rename(replaced)
    staging.rename(root)
    shutil.rmtree(replaced, ignore_errors=True)


def check_restored(manifest, database, roots):
    with connect(database) as connection:
        counts = row_counts(connection)
    problems = [
        _("table %(table)s: %(found)s rows, the backup has %(wanted)s")
        % {"table": table, "found": counts.get(table), "wanted": wanted}
        for table, wanted in manifest["row_counts"].items()
        if counts.get(table) != wanted
    ]
    restored = [
        (Path(roots[entry["root"]]) / entry["path"], entry)
        for entry in manifest["files"]
        if entry["root"] in roots
    ]
    problems += mismatches(restored)
    if problems:
        raise BackupError(
            _("The restored data differ from the backup:\n%(problems)s")
            % {"problems": "\n".join(problems)}
        )


def mismatches(wanted):
    """What is wrong with the files `wanted`: (path, {size, sha256, …}) pairs."""
    problems = []
    for path, entry in wanted:
        try:
            found = described(path)
        except FileNotFoundError:
            problems.append(_("%(path)s: missing") % {"path": path})
            continue
        if found != {"size": entry["size"], "sha256": entry["sha256"]}:
            problems.append(_("%(path)s: size or SHA-256 differs") % {"path": path})
    return problems


# --- PostgreSQL and files ------------------------------------------------------------------------


# Keys of a DATABASES entry's OPTIONS that are Django's, not libpq's.
DJANGO_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role"}


def connection_arguments(database):
    """libpq's connection parameters for a Django DATABASES entry, password left out."""
    arguments = {
        key: value
        for key, value in database.get("OPTIONS", {}).items()
        if key not in DJANGO_OPTIONS
    }
    arguments["dbname"] = database["NAME"]
    for key, libpq in (("USER", "user"), ("HOST", "host"), ("PORT", "port")):
        if database.get(key):
            arguments[libpq] = database[key]
    return arguments


def connect(database):
    return psycopg.connect(
        **connection_arguments(database), password=database.get("PASSWORD") or None, autocommit=True
    )


def pg(program, database, *arguments):
    """Run pg_dump or pg_restore against `database`; BackupError with its message if it fails."""
    # --dbname takes a whole connection string; the password goes through the environment, where
    # other users' `ps` does not show it.
    conninfo = make_conninfo(**connection_arguments(database))
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    result = subprocess.run(
        [program, f"--dbname={conninfo}", *arguments],
        env=environment,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": program, "error": result.stderr.strip()}
        )


def pg_version(program):
    return subprocess.run([program, "--version"], capture_output=True, text=True).stdout.strip()


def row_counts(connection):
    tables = connection.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    ).fetchall()
    return {
        table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for (table,) in tables
    }


def applied_migrations(connection):
    """{app: [migration, …]} as recorded in django_migrations, in the order they were applied."""
    applied = {}
    for app, name in connection.execute("SELECT app, name FROM django_migrations ORDER BY id"):
        applied.setdefault(app, []).append(name)
    return applied


def described(path):
    with open(path, "rb") as stream:
        digest = hashlib.file_digest(stream, "sha256")
    return {"size": os.path.getsize(path), "sha256": digest.hexdigest()}
