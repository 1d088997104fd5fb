import pytest

from joinedup.core.models import Organisation
from joinedup.integrations.open311.services import open311_client_issue
from joinedup.service_requests.testing import load_partnership, load_reference_data


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def partners(db, tmp_path):
    return load_partnership(tmp_path)


@pytest.fixture
def api_key(partners) -> str:
    """A key Sutton issued to a resident app."""
    _client, key = open311_client_issue(
        actor=None, organisation=Organisation.objects.get(gss_code="E09000029"), name="Street app"
    )
    return key


@pytest.fixture
def surrey_key(partners) -> str:
    """Surrey County Council's own back-office adapter."""
    _client, key = open311_client_issue(
        actor=None,
        organisation=Organisation.objects.get(gss_code="E10000030"),
        name="Surrey highways system",
    )
    return key
