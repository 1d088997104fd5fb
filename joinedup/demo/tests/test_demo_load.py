import pytest

from joinedup.core.models import Membership, Partnership, User
from joinedup.demo.services import demo_load

pytestmark = pytest.mark.django_db


def test_demo_partnership_from_real_registers(tmp_path):
    result = demo_load(credentials_file=tmp_path / "logins.txt")
    assert result.missing == []
    partnership = Partnership.objects.get(slug="sutton-merton-surrey")
    members = {
        m.organisation.name: m.role for m in partnership.memberships.select_related("organisation")
    }
    assert members == {
        "London Borough of Sutton": "lead",
        "London Borough of Merton": "member",
        "Reigate and Banstead Borough Council": "member",
        "Epsom and Ewell Borough Council": "member",
        "Surrey County Council": "member",
        "Metropolitan Police": "member",
        "Surrey Police": "member",
        "NHS South West London Integrated Care Board": "member",
        "North Yorkshire Council": "associate",
        "London Fire Brigade": "member",
        "Surrey Fire and Rescue Service": "member",
        "Clarion Housing Association": "member",
    }
    lfb = partnership.members.get(slug="london-fire-brigade")
    assert lfb.areas.count() == 33  # every London borough, the City included
    assert Membership.objects.get(user__username="sutton.admin").role == "admin"


def test_demo_load_is_repeatable_and_keeps_passwords(tmp_path):
    credentials = tmp_path / "logins.txt"
    first = demo_load(credentials_file=credentials)
    second = demo_load(credentials_file=credentials)
    assert first.logins == second.logins
    assert User.objects.get(username="sutton.officer").check_password(
        first.logins["sutton.officer"]
    )
    assert Partnership.objects.filter(slug="sutton-merton-surrey").count() == 1
    assert oct(credentials.stat().st_mode & 0o777) == "0o600"
