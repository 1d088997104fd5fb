"""Rows in the NSPL layout, for tests and benchmarks that need postcode files."""

from __future__ import annotations

NSPL_HEADER = [
    "pcd",
    "pcd2",
    "pcds",
    "dointr",
    "doterm",
    "usertype",
    "oseast1m",
    "osnrth1m",
    "osgrdind",
    "oa11",
    "cty",
    "ced",
    "laua",
    "ward",
    "hlthau",
    "nhser",
    "ctry",
    "rgn",
    "pcon",
    "eer",
    "teclec",
    "ttwa",
    "pct",
    "itl",
    "park",
    "lsoa11",
    "msoa11",
    "wz11",
    "ccg",
    "bua11",
    "buasd11",
    "ru11ind",
    "oac11",
    "lat",
    "long",
    "lep1",
    "lep2",
    "pfa",
    "imd",
    "calncv",
    "stp",
]


def nspl_row(postcode: str, **values: str) -> list[str]:
    """A plausible NSPL row for `postcode`; keyword arguments override columns by name."""
    row = dict.fromkeys(NSPL_HEADER, "")
    row.update(
        pcd=postcode,
        pcds=postcode,
        dointr="199001",
        usertype="0",
        cty="E99999999",
        laua="E09000029",
        ward="E05000564",
        ctry="E92000001",
        lat="51.359722",
        long="-0.193121",
        pfa="E23000001",
        stp="E54000031",
    )
    row.update(values)
    return [row[h] for h in NSPL_HEADER]
