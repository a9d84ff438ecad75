"""One backup of everything the dashboard keeps: the database and the stored files.

A backup is a ``.tar.gz`` holding

- ``groups.json`` and ``database.json``: ``dumpdata`` of every app. Rows keep their ids (the
  history and the audit trail refer to them); references to content types, permissions and
  groups are written by name, and the role groups are matched by name too (a fresh ``migrate``
  already made them under other ids), so it loads into any freshly migrated database, SQLite
  or PostgreSQL, whichever it came from;
- ``files/<name>``: every file of the default storage (``MEDIA_ROOT``: the evidence files), under
  its storage name, which the database rows refer to;
- ``manifest.json``: when and from what it was made, and the size and SHA-256 of every member.

``restore`` checks every checksum before it touches anything, refuses a database that already
holds data (users, the plan, reports) unless told ``force``, loads the rows and writes the files
in one go (a failure leaves the database as it was and removes the files it wrote), then reads
every file back and checks it again.

What is left out, on purpose: sessions (everyone logs in again), content types and permissions
(``migrate`` creates them; rows refer to them by name).
"""

import datetime as dt
import hashlib
import io
import json
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction

FORMAT = 1
MANIFEST = "manifest.json"
GROUPS = "groups.json"
DATABASE = "database.json"
DUMPS = (GROUPS, DATABASE)
FILES = "files/"
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "auth.group"]
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why, for the operator."""


def _sha256(handle) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while block := handle.read(CHUNK):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def stored_files(storage=default_storage, folder: str = "") -> list[str]:
    """Every file name in ``storage``, walked folder by folder, sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever stored: MEDIA_ROOT does not exist yet
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += stored_files(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def _add(archive: tarfile.TarFile, name: str, handle, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, handle)


@dataclass(frozen=True)
class Summary:
    rows: int
    files: int
    bytes: int


def backup_create(output: Path) -> Summary:
    """Write a backup of the database and every stored file to ``output`` (.tar.gz)."""
    entries = []
    with tempfile.TemporaryDirectory() as scratch:
        call_command(
            "dumpdata", "auth.group", natural_foreign=True, natural_primary=True,
            output=str(Path(scratch) / GROUPS), verbosity=0,
        )  # fmt: skip
        call_command(
            "dumpdata", exclude=EXCLUDED, natural_foreign=True,
            output=str(Path(scratch) / DATABASE), verbosity=0,
        )  # fmt: skip
        rows = 0
        for name in DUMPS:
            dump = Path(scratch) / name
            with dump.open("rb") as handle:
                checksum, size = _sha256(handle)
            rows += len(json.loads(dump.read_text(encoding="utf-8")))
            entries.append({"name": name, "size": size, "sha256": checksum})
        names = stored_files()
        for name in names:
            with default_storage.open(name, "rb") as handle:
                checksum, size = _sha256(handle)
            entries.append({"name": FILES + name, "size": size, "sha256": checksum})
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "django": django.get_version(),
            "database_vendor": connection.vendor,
            "rows": rows,
            "members": entries,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add(archive, MANIFEST, io.BytesIO(data), len(data))
            for entry in entries[: len(DUMPS)]:
                with (Path(scratch) / entry["name"]).open("rb") as handle:
                    _add(archive, entry["name"], handle, entry["size"])
            for entry in entries[len(DUMPS) :]:
                with default_storage.open(entry["name"][len(FILES) :], "rb") as handle:
                    _add(archive, entry["name"], handle, entry["size"])
        partial.replace(output)  # a backup that is there is whole
    return Summary(rows, len(names), sum(e["size"] for e in entries[len(DUMPS) :]))


def _safe_member(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not name or "\\" in name:
        raise BackupError(f"unsafe name in the backup: {name!r}")
    return name


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, AttributeError, json.JSONDecodeError) as error:
        raise BackupError("not a dashboard backup: no readable manifest.json") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for entry in manifest["members"]:
        _safe_member(entry["name"])
    return manifest


def verify(archive: tarfile.TarFile, manifest: dict) -> None:
    """Every member the manifest lists is in the archive with its size and checksum."""
    for entry in manifest["members"]:
        try:
            member = archive.getmember(entry["name"])
        except KeyError as error:
            raise BackupError(f"{entry['name']} is missing from the backup") from error
        if not member.isfile():
            raise BackupError(f"{entry['name']} is not a file")
        checksum, size = _sha256(archive.extractfile(member))
        if (checksum, size) != (entry["sha256"], entry["size"]):
            raise BackupError(f"{entry['name']} does not match its checksum: the backup is damaged")


def database_holds_data() -> bool:
    """Does the database hold anything a restore would overwrite: users or any row of the
    dashboard's own apps? (A freshly migrated database holds only groups and permissions.)"""
    if get_user_model().objects.exists():
        return True
    for label in ("plan", "projects", "indicators"):
        for model in apps.get_app_config(label).get_models():
            if model.objects.exists():
                return True
    return False


def backup_restore(source: Path, *, force: bool = False) -> Summary:
    """Restore the backup ``source`` into this database and the default storage.

    Refuses (``BackupError``) a damaged backup before touching anything, and a database that
    holds data unless ``force`` (then it is emptied first: ``flush``). Emptying, rows and files
    go in together: if anything fails, the database is rolled back (its old data kept) and the
    files written so far are removed."""
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"cannot read {source}: {error}") from error
    with archive:
        try:
            manifest = read_manifest(archive)
            verify(archive, manifest)
        except (OSError, EOFError, tarfile.TarError, zlib.error) as error:
            raise BackupError(f"{source} is damaged: {error}") from error
        holds_data = database_holds_data()
        if holds_data and not force:
            raise BackupError(
                "the database already holds data; restore into an empty (freshly migrated) "
                "database, or pass --force to replace everything in it"
            )
        files = [e for e in manifest["members"] if e["name"].startswith(FILES)]
        written = []
        try:
            with transaction.atomic(), tempfile.TemporaryDirectory() as scratch:
                if holds_data:  # emptied in the same transaction: a failure keeps the old data
                    call_command("flush", interactive=False, verbosity=0)
                for name in DUMPS:  # the groups first: users refer to them by name
                    dump = Path(scratch) / name
                    dump.write_bytes(archive.extractfile(name).read())
                    call_command("loaddata", str(dump), verbosity=0)
                for entry in files:
                    name = entry["name"][len(FILES) :]
                    if default_storage.exists(name):
                        with default_storage.open(name, "rb") as handle:
                            if _sha256(handle)[0] == entry["sha256"]:
                                continue  # the very file is there already: kept as it is
                        if not force:
                            raise BackupError(f"{name} is already in the file store")
                        default_storage.delete(name)
                    data = archive.extractfile(entry["name"]).read()
                    saved = default_storage.save(name, ContentFile(data))
                    written.append(saved)
                    if saved != name:
                        raise BackupError(f"{name} was stored as {saved}")
                    with default_storage.open(saved, "rb") as handle:
                        if _sha256(handle)[0] != entry["sha256"]:
                            raise BackupError(f"{name} did not read back as written")
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    return Summary(manifest["rows"], len(files), sum(e["size"] for e in files))
