import pytest

from joinedup.core.models import Membership, Organisation, Role, User
from joinedup.service_requests.testing import load_partnership, load_reference_data


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def _service_request_flow():
    """Other apps' tests may swap the flow registry; make sure ours is registered."""
    from joinedup.catalogue.flows import register_flow
    from joinedup.service_requests.routes import FLOW_KEY

    register_flow(FLOW_KEY, url_name="service_requests:report", label="Report it")


@pytest.fixture
def partners(db, tmp_path, partnership):
    return load_partnership(tmp_path)


def _officer(username: str, gss: str) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password="x" * 16
    )
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(gss_code=gss), role=Role.OFFICER
    )
    return user


@pytest.fixture
def reigate_officer(partners) -> User:
    return _officer("reigate_officer", "E07000211")


@pytest.fixture
def surrey_officer(partners) -> User:
    return _officer("surrey_officer", "E10000030")
