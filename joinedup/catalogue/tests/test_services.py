from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from joinedup.catalogue.models import Service, SynonymGroup, Tier
from joinedup.core.models import AuditEvent
from joinedup.core.testing import unchanged

pytestmark = pytest.mark.django_db

DATA = Path(settings.BASE_DIR) / "data"


def test_every_lgsl_service_and_the_partner_services_are_in_the_catalogue():
    assert Service.objects.count() == 122
    assert Service.objects.exclude(lgsl=None).values("lgsl").distinct().count() == 117
    potholes = Service.objects.get(code="potholes")
    assert (potholes.lgsl, potholes.tier, potholes.name_cy) == (
        557,
        Tier.COUNTY,
        "Rhoi gwybod am dwll yn y ffordd",
    )
    assert Service.objects.get(code="missed-bin").tier == Tier.DISTRICT
    crime = Service.objects.get(code="report-crime")
    assert (crime.lgsl, crime.tier, crime.provider_kinds) == (None, "", ["police_force"])
    assert all(s.keywords and s.keywords_cy and s.name_cy for s in Service.objects.all())


def test_loading_again_changes_nothing():
    with unchanged(Service.objects.all(), SynonymGroup.objects.all()):
        call_command("catalogue_load", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AuditEvent.objects.filter(action="catalogue.load").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        ("services: [{code: x}]", "x: missing name, name_cy, topic, topic_cy"),
        ("[1, 2", "not valid YAML"),
        (
            "services: [{code: x, lgsl: 99999, name: a, name_cy: b, topic: c, topic_cy: d}]",
            "LGSL 99999 is not in",
        ),
        (
            "services: [{code: x, name: a, name_cy: b, topic: c, topic_cy: d}]",
            "give an lgsl code or kinds",
        ),
        (
            "services: [{code: x, kinds: [wizard], name: a, name_cy: b, topic: c, topic_cy: d}]",
            "unknown kinds ['wizard']",
        ),
    ],
)
def test_bad_catalogue_files_are_refused_and_change_nothing(tmp_path, content, message):
    path = tmp_path / "services.yaml"
    path.write_text(content)
    with (
        unchanged(Service.objects.all()),
        pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")),
    ):
        call_command("catalogue_load", services=str(path))


def test_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("catalogue_load", services="/nonexistent.yaml")


def test_demo_provisions_need_the_demo_partnership():
    from joinedup.catalogue.models import Provision

    with (
        unchanged(Provision.objects.all()),
        pytest.raises(
            CommandError,
            match=r"is not a partner, so it can only be given a link. \(run demo_load first\)",
        ),
    ):
        call_command("catalogue_load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
