"""The admin site shows personal data to superusers: every page of an admin built on
`AuditedReadAdmin` that shows rows records an audited read (here, accounts)."""

import pytest

from joinedup.core.models import AuditEvent, User
from joinedup.core.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(
        username="root", email="root@example.org", password="correct horse battery staple"
    )


def _reads():
    return AuditEvent.objects.filter(action="personal_data.read").order_by("id")


def _lists():
    return AuditEvent.objects.filter(action="personal_data.search").order_by("id")


def test_opening_an_account_in_the_admin_is_an_audited_read(superuser, resident):
    page = client_for(superuser).get(f"/admin/core/user/{resident.pk}/change/")
    assert page.status_code == 200
    assert "resident@example.org" in page.content.decode()
    event = _reads().get()
    assert event.actor == superuser
    assert (event.object_type, event.object_id) == ("core.user", str(resident.pk))
    assert event.organisation is None  # a resident's account belongs to no organisation
    assert event.after["purpose"] == "Administering the platform (Django admin)"
    assert event.after["shown"] == [
        {
            "category": "core.user",
            "organisation": None,
            "agreement": None,
            "basis": "admin",
            "object_type": "core.user",
            "object_id": str(resident.pk),
            "page": "change",
        }
    ]


def test_the_history_and_delete_pages_are_audited_reads_too(superuser, resident):
    client = client_for(superuser)
    assert client.get(f"/admin/core/user/{resident.pk}/history/").status_code == 200
    assert client.get(f"/admin/core/user/{resident.pk}/delete/").status_code == 200
    assert [(e.object_id, e.after["shown"][0]["page"]) for e in _reads()] == [
        (str(resident.pk), "history"),
        (str(resident.pk), "delete"),
    ]


def test_the_account_list_records_the_accounts_shown(superuser, resident, officer_a):
    client = client_for(superuser)
    page = client.get("/admin/core/user/")
    assert page.status_code == 200
    event = _lists().get()
    assert event.actor == superuser
    assert event.object_type == "core.user"
    assert sorted(event.after["ids"]) == sorted(
        str(pk) for pk in (superuser.pk, resident.pk, officer_a.pk)
    )
    assert event.after["query"] == ""
    client.get("/admin/core/user/", {"q": "resident"})
    searched = _lists().last()
    assert (searched.after["query"], searched.after["ids"]) == ("resident", [str(resident.pk)])
    assert "q=resident" in searched.after["filters"]


def test_the_confirmation_of_an_action_records_the_rows_it_shows(superuser, resident):
    page = client_for(superuser).post(
        "/admin/core/user/",
        {"action": "delete_selected", "_selected_action": [resident.pk]},
    )
    assert page.status_code == 200  # "Are you sure?", with the account
    event = _lists().get()
    assert (event.after["page"], event.after["ids"]) == ("action", [str(resident.pk)])
    assert User.objects.filter(pk=resident.pk).exists()


def test_pages_that_show_no_row_record_nothing(superuser, resident):
    client = client_for(superuser)
    assert client.get("/admin/core/user/999999/change/").status_code == 302  # no such account
    assert client.get("/admin/core/user/add/").status_code == 200
    saved = client.post(
        f"/admin/core/user/{resident.pk}/change/",
        {
            "username": "resident",
            "email": "resident@example.org",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert not _reads().exists()


def test_a_refused_visitor_records_nothing(resident, officer_a):
    for user in (resident, officer_a):  # not staff: sent to sign in to the admin
        response = client_for(user).get(f"/admin/core/user/{resident.pk}/change/")
        assert response.status_code == 302
    assert not _reads().exists() and not _lists().exists()
