import datetime as dt

import pytest
import time_machine

from joinedup.council_tax.demo import council_tax_demo_load
from joinedup.council_tax.models import Account

# A day in the demo year (2026/27) after the November instalment's grace period.
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        yield clock


@pytest.fixture
def demo(db, frozen_today, pay_sandbox):
    """The demo councils' accounts for 2026/27, loaded on TODAY."""
    return council_tax_demo_load(today=TODAY)


@pytest.fixture
def sutton_account(demo, org_a) -> Account:
    return Account.objects.filter(organisation=org_a).order_by("reference").first()
