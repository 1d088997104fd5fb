"""Import postcodes from the ONS postcode directories (NSPL or ONSPD layout).

The file is streamed, never held in memory: on PostgreSQL rows go in through COPY into
a staging table and are upserted in batches; on SQLite they are upserted with
executemany. The whole import is one transaction, so a bad row leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from queue import Full, Queue
from typing import TypeVar

from django.db import connection, transaction

from joinedup.core.audit import audit_record
from joinedup.geo.areatypes import is_area_code, type_for_code
from joinedup.geo.models import Area, Postcode

# Our column ← the first of these that the file has (NSPL names first, then ONSPD's).
COLUMNS: dict[str, tuple[str, ...]] = {
    "postcode": ("pcds",),
    "usertype": ("usertype", "usrtypind"),
    "introduced": ("dointr",),
    "terminated": ("doterm",),
    "lat": ("lat",),
    "lon": ("long",),
    "council": ("laua", "oslaua", "lad25cd", "lad24cd", "lad23cd"),
    "county": ("cty", "cty25cd", "cty24cd", "cty23cd"),
    "ced": ("ced", "ced25cd", "ced24cd", "ced23cd"),
    "ward": ("ward", "osward", "wd25cd", "wd24cd", "wd23cd"),
    "police": ("pfa", "pfa23cd"),
    "nhs_region": ("nhser", "nhser24cd"),
    "icb": ("icb", "stp", "icb23cd"),
    "country": ("ctry", "ctry25cd"),
}
REQUIRED = ("postcode", "usertype", "lat", "lon", "council")
FIELDS = list(COLUMNS)
BATCH = 100_000
T = TypeVar("T")


class PostcodeImportError(Exception):
    """A problem with the file, said in one line."""


@dataclass
class PostcodeImportResult:
    rows: int = 0
    placeholder_areas: int = 0


def _header_map(header: list[str], path: Path) -> dict[str, int]:
    lowered = [h.strip().lower().lstrip("\ufeff") for h in header]
    mapping: dict[str, int] = {}
    for ours, theirs in COLUMNS.items():
        for name in theirs:
            if name in lowered:
                mapping[ours] = lowered.index(name)
                break
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        raise PostcodeImportError(
            f"{path.name}: not an NSPL/ONSPD file: no column for {', '.join(missing)}"
        )
    return mapping


def _rows(path: Path, wrap: Callable[[io.BufferedReader], io.RawIOBase] | None) -> Iterator[tuple]:
    with open(path, "rb") as raw:
        stream = wrap(raw) if wrap else raw
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")  # type: ignore[arg-type,type-var]
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise PostcodeImportError(f"{path.name}: the file is empty") from None
        cols = _header_map(header, path)
        idx = [cols.get(f) for f in FIELDS]
        width = len(header)
        for line_no, record in enumerate(reader, start=2):
            if len(record) != width:
                raise PostcodeImportError(
                    f"{path.name} line {line_no}: {len(record)} fields where the header has {width}"
                )
            values = [record[i].strip() if i is not None else "" for i in idx]
            postcode = values[0].upper()
            if not postcode or len(postcode) > 8:
                raise PostcodeImportError(f"{path.name} line {line_no}: bad postcode {values[0]!r}")
            try:
                lat = float(values[4]) if values[4] else None
                lon = float(values[5]) if values[5] else None
                usertype = int(values[1] or 0)
            except ValueError:
                raise PostcodeImportError(
                    f"{path.name} line {line_no}: lat/long/usertype must be numbers"
                ) from None
            if lat is not None and (
                lat > 90 or lat < -90
            ):  # ONS writes 99.999999 for "no grid ref"
                lat = lon = None
            yield (postcode, usertype, values[2], values[3], lat, lon, *values[6:])


_PG_STAGE = """CREATE TEMP TABLE postcode_stage (
    postcode text, usertype smallint, introduced text, terminated text, lat double precision,
    lon double precision, council text, county text, ced text, ward text, police text,
    nhs_region text, icb text, country text) ON COMMIT DROP"""

_PG_UPSERT = """INSERT INTO geo_postcode (postcode, usertype, introduced, terminated, point, council,
    county, electoral_division, ward, police, nhs_region, icb, country)
  SELECT DISTINCT ON (postcode) postcode, usertype, introduced, terminated,
    CASE WHEN lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
    council, county, ced, ward, police, nhs_region, icb, country
  FROM postcode_stage ORDER BY postcode
  ON CONFLICT (postcode) DO UPDATE SET usertype = EXCLUDED.usertype,
    introduced = EXCLUDED.introduced, terminated = EXCLUDED.terminated, point = EXCLUDED.point,
    council = EXCLUDED.council, county = EXCLUDED.county,
    electoral_division = EXCLUDED.electoral_division, ward = EXCLUDED.ward,
    police = EXCLUDED.police, nhs_region = EXCLUDED.nhs_region, icb = EXCLUDED.icb,
    country = EXCLUDED.country"""

_SQLITE_UPSERT = """INSERT INTO geo_postcode (postcode, usertype, introduced, terminated, point,
    council, county, electoral_division, ward, police, nhs_region, icb, country)
  VALUES (?, ?, ?, ?, MakePoint(?, ?, 4326), ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (postcode) DO UPDATE SET usertype = excluded.usertype,
    introduced = excluded.introduced, terminated = excluded.terminated, point = excluded.point,
    council = excluded.council, county = excluded.county,
    electoral_division = excluded.electoral_division, ward = excluded.ward,
    police = excluded.police, nhs_region = excluded.nhs_region, icb = excluded.icb,
    country = excluded.country"""


_DONE = object()
# COPY's text format: backslash escapes for the characters that delimit it.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_line(row: tuple) -> str:
    return "\t".join("\\N" if v is None else str(v).translate(_COPY_ESCAPES) for v in row)


def _copy_blocks(rows: Iterator[tuple], size: int) -> Iterator[tuple[int, str]]:
    """(row count, COPY text) for each `size` rows."""
    while lines := [_copy_line(row) for row in islice(rows, size)]:
        yield len(lines), "\n".join(lines) + "\n"


def _read_ahead(items: Iterator[T]) -> Iterator[T]:
    """The items of `items`, made in a background thread one ahead of the caller, so that
    parsing the file (Python, holding the GIL) overlaps with the database storing the
    previous batch (psycopg releases the GIL while it waits for the server). An error
    in the file is raised here, in the caller's thread, inside its transaction."""
    queue: Queue[object] = Queue(maxsize=1)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the caller's thread, raised there
            put(exc)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=produce, name="postcode-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join()


def _load_postgres(rows: Iterator[tuple]) -> int:
    count = 0
    with connection.cursor() as cursor:
        # Two imports in one transaction (a test, or a caller's atomic block) reuse the table.
        cursor.execute("DROP TABLE IF EXISTS postcode_stage")
        cursor.execute(_PG_STAGE)
        # The next block is parsed and formatted while the server stores this one.
        for size, text in _read_ahead(_copy_blocks(rows, BATCH)):
            with cursor.cursor.copy("COPY postcode_stage FROM STDIN") as copy:
                copy.write(text)
            cursor.execute(_PG_UPSERT)
            cursor.execute("TRUNCATE postcode_stage")
            count += size
    return count


def _load_sqlite(rows: Iterator[tuple]) -> int:
    count = 0
    with connection.cursor() as cursor:
        # No read-ahead thread here: sqlite3 releases the GIL for every row it steps
        # through, and a parsing thread would make each row wait to take it back.
        while batch := list(islice(rows, BATCH // 10)):
            # MakePoint takes x (lon) before y (lat).
            cursor.executemany(
                _SQLITE_UPSERT, [(*row[:4], row[5], row[4], *row[6:]) for row in batch]
            )
            count += len(batch)
    return count


def ensure_code_areas() -> int:
    """Wards and county divisions named by postcodes but missing from the ward register
    get an area record (no boundary, named by code) so lookups can report them."""
    known = set(Area.objects.values_list("gss", flat=True))
    parent_ids = dict(Area.objects.values_list("gss", "id"))
    parent_types = dict(Area.objects.values_list("gss", "type"))
    new: dict[str, Area] = {}
    pairs = Postcode.objects.values_list(
        "ward", "council", "electoral_division", "county"
    ).distinct()
    for ward, council, ced, county in pairs.iterator():
        for code, parent in ((ward, council), (ced, county)):
            if not is_area_code(code) or code in known or code in new:
                continue
            kind = type_for_code(code, parent_types.get(parent))
            if kind is None:
                continue
            new[code] = Area(
                gss=code,
                name=code,
                type=kind,
                country=code[0],
                parent_id=parent_ids.get(parent),
                source="postcode directory",
            )
    Area.objects.bulk_create(new.values(), batch_size=1000)
    return len(new)


def import_postcodes(
    path: Path,
    *,
    wrap: Callable[[io.BufferedReader], io.RawIOBase] | None = None,
    actor=None,
) -> PostcodeImportResult:
    if not path.exists():
        raise PostcodeImportError(f"{path}: no such file")
    result = PostcodeImportResult()
    with transaction.atomic():
        rows = _rows(path, wrap)
        loader = _load_postgres if connection.vendor == "postgresql" else _load_sqlite
        result.rows = loader(rows)
        result.placeholder_areas = ensure_code_areas()
        audit_record(
            actor=actor,
            action="geo.import_postcodes",
            object_type="geo.postcode",
            object_id=path.name,
            after={"rows": result.rows, "placeholder_areas": result.placeholder_areas},
        )
    return result
