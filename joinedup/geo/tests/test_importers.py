import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.core.models import Organisation
from joinedup.geo.models import Area, AreaPart, Postcode
from joinedup.geo.testing_data import NSPL_HEADER, nspl_row

pytestmark = pytest.mark.django_db


def _topojson(path: Path, *, bowtie: bool = False) -> Path:
    # One square area (or a self-crossing "bow tie") in TopoJSON, quantised 0..100 over 1°.
    arc = (
        [[0, 0], [100, 0], [0, 100], [100, 100], [0, 0]]
        if bowtie
        else [[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]]
    )
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.01, 0.01], "translate": [-1.0, 52.0]},
        "objects": {
            "testareas": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0]],
                        "properties": {"code": "E07999991", "label": "Testshire Vale"},
                    }
                ],
            }
        },
        "arcs": [
            [
                [x, y] if i == 0 else [x - arc[i - 1][0], y - arc[i - 1][1]]
                for i, (x, y) in enumerate(arc)
            ]
        ],
    }
    path.write_text(json.dumps(topo))
    return path


def test_topojson_import_with_field_options_and_rerun(tmp_path, capsys):
    path = _topojson(tmp_path / "areas.topojson")
    call_command(
        "geo_import_boundaries", str(path), "--code-field", "code", "--name-field", "label"
    )
    area = Area.objects.get(gss="E07999991")
    assert (area.name, area.type, area.country) == ("Testshire Vale", "DIS", "E")
    assert area.geometry.extent == pytest.approx((-1.0, 52.0, 0.0, 53.0))
    parts = AreaPart.objects.filter(area=area).count()
    assert parts >= 1

    call_command(
        "geo_import_boundaries", str(path), "--code-field", "code", "--name-field", "label"
    )
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("areas.topojson: 0 areas created, 1 updated")
    assert Area.objects.filter(gss="E07999991").count() == 1
    assert AreaPart.objects.filter(area=area).count() == parts


def test_invalid_polygon_is_repaired(tmp_path, capsys):
    path = _topojson(tmp_path / "bowtie.topojson", bowtie=True)
    call_command(
        "geo_import_boundaries", str(path), "--code-field", "code", "--name-field", "label"
    )
    area = Area.objects.get(gss="E07999991")
    assert area.geometry.valid
    assert area.geometry.area == pytest.approx(0.5)  # the two triangles of the bow tie
    assert "1 repaired" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], "no such file"),
        ("this is not json", [], "not a vector file GDAL can read"),
        ("topo", ["--code-field", "nope"], "no field 'nope'"),
        (
            "topo",
            ["--code-field", "code", "--name-field", "label", "--layer", "other"],
            "no layer 'other'",
        ),
    ],
)
def test_bad_boundary_files_give_one_line_errors(tmp_path, content, args, message):
    path = tmp_path / "file.json"
    if content == "topo":
        _topojson(path)
    elif content is not None:
        path.write_text(content)
    before = Area.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("geo_import_boundaries", str(path), *args)
    assert Area.objects.count() == before


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(f'"{v}"' for v in r) for r in [header, *rows]) + "\n")
    return path


def test_postcode_import_is_idempotent_and_updates(tmp_path):
    path = _write_csv(
        tmp_path / "p.csv", NSPL_HEADER, [nspl_row("ZZ1 1AA", laua="E09000029", ward="E05000564")]
    )
    call_command("geo_import_postcodes", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("geo_import_postcodes", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Postcode.objects.filter(postcode="ZZ1 1AA").count() == 1
    path = _write_csv(
        tmp_path / "p.csv", NSPL_HEADER, [nspl_row("ZZ1 1AA", laua="E09000024", doterm="202201")]
    )
    call_command("geo_import_postcodes", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    row = Postcode.objects.get(postcode="ZZ1 1AA")
    assert (row.council, row.terminated, row.is_live) == ("E09000024", "202201", False)
    assert (row.point.x, row.point.y) == pytest.approx((-0.193121, 51.359722))


def test_postcode_import_reads_the_onspd_layout(tmp_path):
    header = [{"laua": "oslaua", "ward": "osward", "stp": "icb"}.get(h, h) for h in NSPL_HEADER]
    path = _write_csv(
        tmp_path / "onspd.csv", header, [nspl_row("ZZ9 9ZZ", laua="E07000211", ward="E05007342")]
    )
    call_command("geo_import_postcodes", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    row = Postcode.objects.get(postcode="ZZ9 9ZZ")
    assert (row.council, row.ward) == ("E07000211", "E05007342")


def test_postcode_without_grid_reference_has_no_point(tmp_path):
    path = _write_csv(
        tmp_path / "p.csv", NSPL_HEADER, [nspl_row("ZZ2 2AA", lat="99.999999", long="0.000000")]
    )
    call_command("geo_import_postcodes", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Postcode.objects.get(postcode="ZZ2 2AA").point is None


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([], ["pcd", "something"], "not an NSPL/ONSPD file: no column for postcode"),
        (
            [nspl_row("ZZ3 3AA"), nspl_row("ZZ3 3AB", lat="north")],
            None,
            "line 3: lat/long/usertype must be numbers",
        ),
        (
            [nspl_row("ZZ3 3AA"), ["ZZ3 3AB", "too", "short"]],
            None,
            "line 3: 3 fields where the header has 41",
        ),
    ],
)
def test_bad_postcode_files_write_nothing(tmp_path, rows, header, message):
    path = _write_csv(tmp_path / "bad.csv", header or NSPL_HEADER, rows)
    before = Postcode.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("geo_import_postcodes", str(path))
    assert Postcode.objects.count() == before
    assert not Postcode.objects.filter(postcode__startswith="ZZ3").exists()


def test_empty_postcode_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(CommandError, match="the file is empty"):
        call_command("geo_import_postcodes", str(path))


def test_registers_link_abolished_councils_to_successors():
    harrogate = Organisation.objects.get(gss_code="E07000165")
    north_yorkshire = Organisation.objects.get(gss_code="E06000065")
    assert harrogate.end_date.isoformat() == "2023-04-01"
    assert harrogate.successor == north_yorkshire
    assert harrogate.current() == north_yorkshire
    assert Area.objects.get(gss="E07000165").current().gss == "E06000065"
    reigate = Organisation.objects.get(gss_code="E07000211")
    assert reigate.parent.gss_code == "E10000030"
    assert reigate.homepage == "https://www.reigate-banstead.gov.uk/"
    assert reigate.local_custodian_code == "3625"
    assert Organisation.objects.get(gss_code="E23000031").kind == "police_force"
    # Northamptonshire was split in two, so it has no single successor.
    assert Organisation.objects.get(gss_code="E10000021").successor is None


def test_register_import_is_idempotent():
    before = (Organisation.objects.count(), Area.objects.count())
    call_command("geo_import_registers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Organisation.objects.count(), Area.objects.count()) == before


def test_bundled_load_skips_unchanged_files(capsys):
    call_command("geo_load_bundled")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 7
    assert all(line.endswith("already imported") for line in lines)
