"""The postcode importer across several batches: the file is read ahead of the database
on PostgreSQL, so errors found while an earlier batch is stored must still undo it all."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.geo.importers import postcodes
from joinedup.geo.models import Postcode
from joinedup.geo.testing_data import NSPL_HEADER, nspl_row

pytestmark = pytest.mark.django_db


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(f'"{v}"' for v in r) for r in [NSPL_HEADER, *rows]) + "\n")
    return path


@pytest.fixture
def small_batches(monkeypatch):
    # Batches of 2 rows on PostgreSQL and of 1 on SQLite (which uses BATCH // 10).
    monkeypatch.setattr(
        postcodes, "BATCH", 2 if postcodes.connection.vendor == "postgresql" else 10
    )


def test_many_batches_all_arrive(tmp_path, small_batches):
    rows = [nspl_row(f"ZZ5 {n}AA", ward=f"E0500056{n}") for n in range(7)]
    call_command(
        "geo_import_postcodes",
        str(_write_csv(tmp_path / "p.csv", rows)),
        stdout=StringIO(),
    )
    found = dict(
        Postcode.objects.filter(postcode__startswith="ZZ5").values_list("postcode", "ward")
    )
    assert found == {f"ZZ5 {n}AA": f"E0500056{n}" for n in range(7)}


def test_a_bad_row_in_a_later_batch_undoes_the_earlier_ones(tmp_path, small_batches):
    rows = [nspl_row(f"ZZ6 {n}AA") for n in range(5)] + [nspl_row("ZZ6 9AA", long="west")]
    before = Postcode.objects.count()
    with pytest.raises(CommandError, match="line 7: lat/long/usertype must be numbers"):
        call_command("geo_import_postcodes", str(_write_csv(tmp_path / "bad.csv", rows)))
    assert Postcode.objects.count() == before
    assert not Postcode.objects.filter(postcode__startswith="ZZ6").exists()


def test_tabs_and_backslashes_in_values_survive(tmp_path):
    # PostgreSQL takes the rows through COPY's text format, where these are delimiters.
    path = _write_csv(tmp_path / "p.csv", [nspl_row("ZZ7 7AA", ced="E5\\8\t01")])
    call_command("geo_import_postcodes", str(path), stdout=StringIO())
    assert Postcode.objects.get(postcode="ZZ7 7AA").electoral_division == "E5\\8\t01"
