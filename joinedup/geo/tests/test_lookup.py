import random

import pytest

from joinedup.geo import selectors
from joinedup.geo.index import get_index, reset_index
from joinedup.geo.models import Area, Postcode
from joinedup.geo.postcodes import normalise_postcode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sm11aa", "SM1 1AA"),
        (" SM1  1AA ", "SM1 1AA"),
        ("ec1a1bb", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("m11ae", "M1 1AE"),
        ("gir0aa", "GIR 0AA"),
        ("", None),
        ("SM1", None),
        ("12345", None),
        ("SM1 1AAA", None),
        ("S M 1 1 A A", "SM1 1AA"),
        ("SM1-1AA", None),
    ],
)
def test_normalise_postcode(text, expected):
    assert normalise_postcode(text) == expected


def test_memory_index_agrees_with_the_database():
    rng = random.Random(20261126)
    points = [p.point for p in Postcode.objects.live().exclude(point=None).order_by("postcode")]
    sample = [*rng.sample(points, 300), type(points[0])(-30.0, 45.0, srid=4326)]
    for point in sample:
        from_memory = sorted(int(k) for k in selectors.areas_at_point(lon=point.x, lat=point.y))
        from_database = selectors.area_ids_at_point_from_database(lon=point.x, lat=point.y)
        assert from_memory == from_database, (point.x, point.y)


def test_index_notices_a_new_import():
    before = get_index()
    area = Area.objects.get(gss="E09000029")
    area.name = "Sutton (renamed)"
    area.save()
    after = get_index()  # the test TTL is 0, so the fingerprint is checked every time
    assert after is not before
    assert after.areas[area.pk]["name"] == "Sutton (renamed)"
    reset_index()


def test_abolished_areas_are_not_in_point_results():
    # Harrogate has no boundary and ended in 2023; its old postcodes sit in North Yorkshire.
    point = Postcode.objects.get(postcode="HG1 1AA").point
    codes = {a["codes"]["gss"] for a in selectors.areas_at_point(lon=point.x, lat=point.y).values()}
    assert "E06000065" in codes
    assert "E07000165" not in codes
