"""Backups: a round trip into a fresh database and directories; private to their owner; damaged
backups, and backups others could have changed, refused."""

import io
import json
import os
import stat
import uuid

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from portal import backups, versions
from proceedings.models import BookBuild
from roundtable.models import RoundTable
from tests.factories import (
    PaperFactory,
    ProceedingsFactory,
    RoundTableFactory,
    add_version,
    programme_of,
)


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    """A round table with a programme, papers with their files, a built book, and a media file:
    committed, as pg_dump sees only committed data."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "logos").mkdir(parents=True)
    (tmp_path / "media" / "logos" / "academy.png").write_bytes(b"\x89PNG fake logo")
    event = programme_of(RoundTableFactory(), 5)
    for number in range(3):
        add_version(PaperFactory(event=event), f"%PDF-1.7\n%paper {number}\n".encode())
    build = BookBuild(
        proceedings=ProceedingsFactory(event=event), status=BookBuild.Status.SUCCEEDED
    )
    build.save()
    build.pdf.save("book.pdf", ContentFile(b"%PDF-1.7\n%the whole book\n"))
    return backups.file_roots()


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"rt_restore_{uuid.uuid4().hex[:12]}"
    server = {**connection.settings_dict, "NAME": "postgres"}
    with backups.connect(server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with backups.connect(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hashes(roots):
    return {
        (name, path.relative_to(root).as_posix()): backups.described(path)
        for name, root in roots.items()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_round_trip_restores_every_row_and_every_file(world, fresh_database, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / backups.MANIFEST).read_text())
    assert manifest["database"] == connection.settings_dict["NAME"]
    assert manifest["pg_dump_version"].startswith("pg_dump (PostgreSQL)")
    assert "0001_initial" in manifest["migrations"]["roundtable"]
    assert manifest["row_counts"]["public.roundtable_programmeitem"] == 5
    assert {entry["root"] for entry in manifest["files"]} == {"papers", "media"}

    restored_roots = {name: tmp_path / "restored" / name for name in world}
    backups.restore(tmp_path / "backup", fresh_database, restored_roots)

    with backups.connect(connection.settings_dict) as source:
        original = backups.row_counts(source)
    with backups.connect(fresh_database) as target:
        assert backups.row_counts(target) == original
    assert original["public.proceedings_paperversion"] == 3
    assert hashes(restored_roots) == hashes(world)
    assert ("papers", BookBuild.objects.get().pdf.name) in hashes(restored_roots)


@pytest.mark.parametrize("damage", ["dump", "file", "missing file"])
def test_a_damaged_backup_is_refused_before_anything_changes(
    world, fresh_database, tmp_path, damage
):
    backups.create(tmp_path / "backup", connection.settings_dict, world)
    if damage == "dump":
        with open(tmp_path / "backup" / backups.DUMP, "r+b") as dump:
            dump.seek(100)
            dump.write(b"\0\0\0\0")
    else:
        copy = next(path for path in (tmp_path / "backup" / "files").rglob("*") if path.is_file())
        if damage == "file":
            copy.write_bytes(copy.read_bytes() + b"!")
        else:
            copy.unlink()
    target_root = tmp_path / "live-papers"
    target_root.mkdir()
    (target_root / "kept.pdf").write_bytes(b"still here")

    with pytest.raises(backups.BackupError, match="damaged; nothing was restored"):
        backups.restore(tmp_path / "backup", fresh_database, {"papers": target_root})

    assert (target_root / "kept.pdf").read_bytes() == b"still here"
    with backups.connect(fresh_database) as target:
        assert backups.row_counts(target) == {}


def test_a_backup_is_readable_by_its_owner_only(world, tmp_path):
    (world["media"] / "logos" / "academy.png").chmod(0o644)
    previous = os.umask(0o022)  # the usual umask: alone, it leaves everything readable by all
    try:
        backups.create(tmp_path / "backup", connection.settings_dict, world)
        assert os.umask(0o022) == 0o022  # and it is left as it was
    finally:
        os.umask(previous)

    made = [tmp_path / "backup", *(tmp_path / "backup").rglob("*")]
    assert {path.name for path in made} >= {backups.DUMP, backups.MANIFEST, "academy.png"}
    modes = {path: stat.S_IMODE(path.stat().st_mode) for path in made}
    assert {modes[path] for path in made if path.is_dir()} == {0o700}
    assert {modes[path] for path in made if path.is_file()} == {0o600}


@pytest.mark.parametrize(
    ("writable", "mode"),
    [(backups.DUMP, 0o646), (backups.MANIFEST, 0o620), (".", 0o777), ("files", 0o770)],
    ids=["dump o+w", "manifest g+w", "backup directory", "files directory g+w"],
)
def test_a_backup_others_could_have_changed_is_refused_before_anything_changes(
    world, fresh_database, tmp_path, writable, mode
):
    backup = tmp_path / "backup"
    backups.create(backup, connection.settings_dict, world)
    (backup / writable).chmod(mode)
    target_root = tmp_path / "live-papers"
    target_root.mkdir()
    (target_root / "kept.pdf").write_bytes(b"still here")

    with pytest.raises(backups.BackupError) as refused:
        backups.restore(backup, fresh_database, {"papers": target_root})

    assert str(refused.value) == (
        f"{backup / writable} can be changed by other users than its owner (mode "
        f"{stat.filemode((backup / writable).stat().st_mode)}), so the backup cannot be trusted; "
        f"nothing was restored. If you know it is intact, make it private first: "
        f"chmod -R go-rwx {backup}"
    )
    assert (target_root / "kept.pdf").read_bytes() == b"still here"
    with backups.connect(fresh_database) as target:
        assert backups.row_counts(target) == {}


@pytest.mark.slow
def test_a_restore_forgets_the_pages_cached_from_the_data_it_replaced(world, tmp_path):
    """Cache keys hold ids and data versions, which the restored data reuse for other content."""
    call_command("backup", str(tmp_path / "backup"))
    key = versions.cache_key(RoundTable.objects.get(), "event", "ru")
    cache.set(key, "the page of an edit made after the backup")

    call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())

    assert cache.get(key) is None
