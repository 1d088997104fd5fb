import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from joinedup.service_requests.calendar import add_working_days, due_at, is_working_day
from joinedup.service_requests.index import get_request_types
from joinedup.service_requests.models import BankHoliday

LONDON = timezone.get_fixed_timezone(0)


def test_bundled_file_is_govuks_list_for_england_and_wales():
    data = json.loads(
        (Path(settings.BASE_DIR) / "data/service_requests/bank-holidays.json").read_text()
    )
    days = {e["date"]: e["title"] for e in data["england-and-wales"]["events"]}
    assert days["2026-12-25"] == "Christmas Day"
    assert days["2026-12-28"] == "Boxing Day"  # substitute day: 26 December 2026 is a Saturday
    assert days["2026-08-31"] == "Summer bank holiday"
    assert days["2027-03-29"] == "Easter Monday"


@pytest.mark.django_db
def test_bank_holidays_are_loaded_for_every_division():
    assert BankHoliday.objects.filter(
        division="england-and-wales", date=dt.date(2026, 5, 4)
    ).get().title == ("Early May bank holiday")
    # St Andrew's Day is a Scottish bank holiday only.
    assert BankHoliday.objects.filter(date=dt.date(2026, 11, 30)).values_list(
        "division", flat=True
    ).get() == ("scotland")
    assert dt.date(2026, 11, 30) not in get_request_types().holidays


def test_weekends_and_holidays_are_not_working_days():
    holidays = {dt.date(2026, 12, 25), dt.date(2026, 12, 28)}
    assert is_working_day(dt.date(2026, 12, 24), holidays)
    assert not is_working_day(dt.date(2026, 12, 25), holidays)
    assert not is_working_day(dt.date(2026, 12, 26), holidays)  # Saturday
    assert add_working_days(dt.date(2026, 12, 24), 1, holidays) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 12, 24), 0, holidays) == dt.date(2026, 12, 24)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reported", "days", "due"),
    [
        # Missed bin (next working day) reported on a Friday: due end of Monday.
        ("2026-11-27T10:00:00+00:00", 1, "2026-11-30T23:59:59+00:00"),
        # Reported on the Friday before the late-May bank holiday: due end of Tuesday.
        ("2026-05-22T16:00:00+01:00", 1, "2026-05-26T23:59:59+01:00"),
        # Reported late on Christmas Eve: Christmas Day and the substitute Boxing Day skipped.
        ("2026-12-24T23:30:00+00:00", 1, "2026-12-29T23:59:59+00:00"),
        # Five working days over Easter 2027 (Good Friday 26 March, Easter Monday 29 March).
        ("2027-03-24T09:00:00+00:00", 5, "2027-04-02T23:59:59+01:00"),
        # A report made on a Sunday counts from the Monday.
        ("2026-11-29T12:00:00+00:00", 1, "2026-11-30T23:59:59+00:00"),
    ],
)
def test_due_dates_use_the_bank_holidays(reported, days, due):
    holidays = get_request_types().holidays
    assert due_at(dt.datetime.fromisoformat(reported), days, holidays) == dt.datetime.fromisoformat(
        due
    )
