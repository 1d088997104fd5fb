from pathlib import Path

import pytest
from django.conf import settings

from joinedup.catalogue.services import catalogue_load_demo
from joinedup.demo.services import demo_load


@pytest.fixture
def demo(db, tmp_path):
    """The demo partnership (fire services, a housing association …) and its provisions,
    which only `manage.py demo_load` and `catalogue_load_demo` create."""
    result = demo_load(credentials_file=tmp_path / "logins.txt")
    catalogue_load_demo(
        actor=None,
        provisions_file=Path(settings.BASE_DIR) / "data" / "catalogue" / "demo-provisions.yaml",
    )
    return result.partnership


@pytest.fixture
def flow_for_tests():
    """An in-platform flow registered the way an app registers one, pointing at a page
    that exists, so 'platform' answers can be checked before the flow apps land."""
    from joinedup.catalogue.flows import flow_get, register_flow, unregister_flow

    installed = flow_get("service-request")  # the service requests app's own, if installed
    register_flow("service-request", url_name="routing:where", label="Report it")
    yield "service-request"
    unregister_flow("service-request")
    if installed is not None:
        register_flow(installed.key, url_name=installed.url_name, label=installed.label)


@pytest.fixture
def without_service_request_flow():
    """The front door as it answers when no installed app offers the service-request
    flow: a link to the organisation's own page."""
    from joinedup.catalogue.flows import flow_get, register_flow, unregister_flow

    installed = flow_get("service-request")
    unregister_flow("service-request")
    yield
    if installed is not None:
        register_flow(installed.key, url_name=installed.url_name, label=installed.label)
