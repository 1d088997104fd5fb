"""Every resident page, in English and Welsh, has no axe-core violations; and a resident's
choices change what partners see."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.accounts.models import ResidentAccount
from joinedup.core.testing import client_for
from joinedup.crm import selectors
from joinedup.crm import services as crm_services
from joinedup.crm.models import LawfulBasis, PersonHolding, PrivacyNotice
from joinedup.crm.tests.conftest import make_agreement
from joinedup.integrations.govuk_notify.models import NotifyMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(resident, officer_a, org_a, org_b):
    """A verified resident whose record Sutton holds, under a consent-based agreement with
    Merton, and both partners' privacy notices."""
    ResidentAccount.objects.create(
        user=resident, email_verified_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    person = crm_services.person_for_account(
        user=resident, given_name="Rae", family_name="Sidhu", email="resident@example.org"
    )
    PersonHolding.objects.create(person=person, organisation=org_a)
    crm_services.contact_event_record(
        actor=officer_a,
        person=person,
        organisation=org_a,
        channel="call",
        summary="Asked about a parking permit",
    )
    agreement = make_agreement(
        "DSA-CONSENT", [org_a, org_b], ["contact_details", "service_requests"], LawfulBasis.CONSENT
    )
    for org in (org_a, org_b):
        PrivacyNotice.objects.create(
            organisation=org,
            summary=f"How {org.name} uses your data.",
            url="https://example.org/privacy",
            contact_email="dpo@example.org",
        )
    return person, agreement


def test_withdrawing_consent_changes_the_shared_view(household, resident, partner_b):
    person, agreement = household
    client = client_for(resident)
    client.post(reverse("accounts:consent"), {"agreement": agreement.reference, "choice": "give"})
    assert list(selectors.person_list(actor=partner_b)) == [person]
    page = client_for(partner_b).get(reverse("crm:person-detail", args=[person.public_id]))
    assert "Agreement DSA-CONSENT" in page.content.decode()
    assert "You agreed" in client.get(reverse("accounts:my-account")).content.decode()

    client.post(
        reverse("accounts:consent"), {"agreement": agreement.reference, "choice": "withdraw"}
    )
    assert list(selectors.person_list(actor=partner_b)) == []
    assert (
        client_for(partner_b).get(reverse("crm:person-detail", args=[person.public_id])).status_code
        == 404
    )


def test_consent_for_an_unknown_agreement_is_404(household, resident):
    assert (
        client_for(resident)
        .post(reverse("accounts:consent"), {"agreement": "NOPE", "choice": "give"})
        .status_code
        == 404
    )


def test_my_account_shows_what_every_partner_holds(household, resident):
    html = client_for(resident).get(reverse("accounts:my-account")).content.decode()
    assert "Asked about a parking permit" in html
    assert "London Borough of Sutton" in html
    assert "resident@example.org" in html


@pytest.fixture
def messages_sent(household, org_a, org_b):
    """An email to the resident from Sutton (delivered) and one from Merton (not
    delivered)."""
    from joinedup.integrations.govuk_notify.models import MessageStatus
    from joinedup.integrations.govuk_notify.services import notify_send_email
    from joinedup.jobs.services import jobs_run_pending

    sutton = notify_send_email(
        to="resident@example.org",
        template="account_email",
        personalisation={
            "subject": "Your parking permit",
            "body": "Your permit is ready.\nCollect it at the library.",
        },
        organisation=org_a,
    )
    merton = notify_send_email(
        to="Resident@Example.org",
        template="account_email",
        personalisation={"subject": "Your bulky waste collection", "body": "We come on Monday."},
        organisation=org_b,
    )
    jobs_run_pending()
    NotifyMessage.objects.filter(pk=merton.pk).update(status=MessageStatus.PERMANENT_FAILURE)
    return sutton, merton


def test_my_account_shows_the_messages_sent_to_the_resident(
    messages_sent, resident, assert_accessible
):
    client = client_for(resident)
    page = client.get(reverse("accounts:my-account"))
    html = page.content.decode()
    section = html[html.index("Messages we sent you") : html.index('id="consent"')]
    assert "Your parking permit" in section
    assert "Your permit is ready.<br>Collect it at the library." in section
    assert "London Borough of Sutton" in section
    assert "Your bulky waste collection" in section and "London Borough of Merton" in section
    assert "Delivered" in section and "Not delivered" in section
    assert "Read the message" in section
    # Messages are not listed again among the records partners hold.
    assert html.count("Your parking permit") == 2  # the title and the hidden label
    assert_accessible(page)
    welsh = client.get(reverse("accounts:my-account"), HTTP_ACCEPT_LANGUAGE="cy")
    assert "Negeseuon rydym wedi" in welsh.content.decode()
    assert_accessible(welsh)


def test_download_my_data_includes_the_messages(messages_sent, resident):
    client = client_for(resident)
    data = client.get(reverse("accounts:download"), {"format": "json"}).json()
    section = next(c for c in data["categories"] if c["category"] == "messages")
    assert sorted((r["held_by"], r["subject"], r["status"]) for r in section["records"]) == [
        ("London Borough of Merton", "Your bulky waste collection", "permanent-failure"),
        ("London Borough of Sutton", "Your parking permit", "delivered"),
    ]
    page = client.get(reverse("accounts:download")).content.decode()
    assert "Your permit is ready." in page and "Messages sent" in page


def _pages(anon: Client, resident_client: Client) -> dict[str, object]:
    """Each resident page's response (forms with their errors too)."""
    pages = {
        "sign_up": anon.get(reverse("accounts:sign-up")),
        "sign_up_errors": anon.post(reverse("accounts:sign-up"), {"email": "bad"}),
        "sign_in": anon.get(reverse("accounts:sign-in")),
        "sign_in_errors": anon.post(reverse("accounts:sign-in"), {"username": "", "password": ""}),
        "password_reset": anon.get(reverse("accounts:password-reset")),
        "password_reset_errors": anon.post(reverse("accounts:password-reset"), {"email": "x"}),
        "check_email": anon.post(
            reverse("accounts:password-reset"), {"email": "nobody@example.net"}
        ),
        "link_failed": anon.get(reverse("accounts:verify", args=["not-a-token"])),
        "privacy": anon.get(reverse("accounts:privacy")),
        "my_account": resident_client.get(reverse("accounts:my-account")),
        "section": resident_client.get(reverse("accounts:section", args=["contact_history"])),
        "empty_section": resident_client.get(reverse("accounts:section", args=["council_tax"])),
        "download": resident_client.get(reverse("accounts:download")),
        "erasure": resident_client.get(reverse("accounts:erasure")),
        "erasure_sent": resident_client.post(reverse("accounts:erasure"), {"reason": "Moving"}),
    }
    return pages


@pytest.mark.parametrize("language", ["en", "cy"])
def test_resident_pages_have_no_axe_violations(assert_accessible, household, resident, language):
    client = client_for(resident)
    anon = Client()
    for c in (client, anon):
        c.cookies["django_language"] = language
    for name, response in _pages(anon, client).items():
        assert response.status_code in (200, 400), (name, response.status_code)
        assert f'<html lang="{language}"' in response.content.decode(), name
        assert_accessible(response)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_account_flow_pages_have_no_axe_violations(
    assert_accessible, language, django_capture_on_commit_callbacks
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    with django_capture_on_commit_callbacks(execute=True):
        check = client.post(
            reverse("accounts:sign-up"),
            {
                "given_name": "Ana",
                "family_name": "Lee",
                "email": "ana@example.net",
                "password": "glass tiger river lantern",
            },
        )
    assert_accessible(check)
    message = NotifyMessage.objects.get(template_name="account_email")
    link = message.body.split("http://testserver")[1].split()[0]
    assert_accessible(client.get(link))
    from joinedup.core.models import User

    user = User.objects.get(username="ana@example.net")
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    url = reverse(
        "accounts:password-reset-confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    assert_accessible(client.get(url))
    assert_accessible(client.post(url, {"password": "short"}))
    assert_accessible(client.post(url, {"password": "a long enough new passphrase"}))


def test_pages_are_in_welsh(household, resident):
    client = client_for(resident)
    client.cookies["django_language"] = "cy"
    html = client.get(reverse("accounts:my-account")).content.decode()
    assert "Eich cyfrif" in html
    assert "Manylion cyswllt" in html
    assert "Galwad ffôn" in html
    assert "Sharing you have agreed to" not in html


@pytest.mark.parametrize(
    "who, shown, hidden",
    [
        (None, "/account/sign-in/", "/staff/"),
        ("resident", "/account/", "/staff/"),
        ("officer_a", "/staff/", "/account/sign-in/"),
    ],
)
def test_the_header_offers_each_person_their_own_way_in(request, who, shown, hidden):
    client = client_for(request.getfixturevalue(who)) if who else Client()
    page = client.get("/").content.decode()
    nav = page[page.index('aria-label="Language and account"') : page.index("</nav>")]
    assert f'href="{shown}"' in nav
    assert f'href="{hidden}"' not in nav
    assert 'href="/account/privacy/"' in page


def test_the_header_in_welsh(resident):
    client = client_for(resident)
    client.cookies["django_language"] = "cy"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Eich cyfrif" in page and "Hysbysiadau preifatrwydd" in page
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="cy").get("/").content.decode()
    assert "Mewngofnodi i\u2019ch cyfrif" in anonymous


# --- Long sections: the latest ten, and every record a page at a time ----------------------


@pytest.fixture
def long_history(household, officer_a, org_a):
    """Fifteen more calls Sutton recorded with the resident, a day apart: "Call 1" the
    oldest, "Call 15" the newest (after the household's own call, made today)."""
    person, _agreement = household
    start = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)
    for n in range(1, 16):
        crm_services.contact_event_record(
            actor=officer_a,
            person=person,
            organisation=org_a,
            channel="call",
            summary=f"Call {n:02d} about the garden",
            occurred_at=start + dt.timedelta(days=n),
        )
    return person


def _section(html: str, heading: str) -> str:
    start = html.index(heading)
    end = html.find('<h2 class="govuk-heading-m"', start + 1)
    return html[start:end]


def test_a_long_section_shows_the_latest_ten_and_links_to_all(long_history, resident):
    html = client_for(resident).get(reverse("accounts:my-account")).content.decode()
    section = _section(html, "Contact history")
    # 16 calls: today's and Calls 15 to 7 are the latest ten; Calls 6 to 1 are not shown.
    assert "Asked about a parking permit" in section
    shown = [n for n in range(1, 16) if f"Call {n:02d} about" in section]
    assert shown == list(range(7, 16))
    assert section.index("Asked about a parking permit") < section.index("Call 15")
    assert section.index("Call 15") < section.index("Call 07")
    url = reverse("accounts:section", args=["contact_history"])
    assert f'href="{url}"' in section
    assert "See all 16" in section
    assert "Showing the latest 10 of 16" in section
    # A short section has no link.
    details = _section(html, "Contact details")
    assert reverse("accounts:section", args=["contact_details"]) not in details


def test_a_section_page_shows_every_record_a_page_at_a_time(
    long_history, resident, monkeypatch, assert_accessible
):
    from joinedup.accounts import views

    monkeypatch.setattr(views, "SECTION_PAGE_SIZE", 5)
    client = client_for(resident)
    url = reverse("accounts:section", args=["contact_history"])

    def calls(response) -> list[str]:
        html = response.content.decode()
        return [s for s in ["Asked about a parking permit"] if s in html] + [
            f"Call {n:02d}" for n in range(15, 0, -1) if f"Call {n:02d} about" in html
        ]

    first = client.get(url)
    assert first.status_code == 200
    assert calls(first) == [
        "Asked about a parking permit",
        "Call 15",
        "Call 14",
        "Call 13",
        "Call 12",
    ]
    html = first.content.decode()
    assert 'class="govuk-pagination"' in html
    assert 'aria-current="page"' in html
    assert 'href="?page=2"' in html and 'rel="next"' in html and 'rel="prev"' not in html
    assert "(page 1 of 4)" in html  # in the title
    second = client.get(url, {"page": 2})
    assert calls(second) == ["Call 11", "Call 10", "Call 09", "Call 08", "Call 07"]
    assert 'href="?page=1"' in second.content.decode()
    last = client.get(url, {"page": 4})
    assert calls(last) == ["Call 01"]
    assert 'rel="next"' not in last.content.decode()
    # A page past the end, or not a number, is the last or the first page.
    assert calls(client.get(url, {"page": 99})) == ["Call 01"]
    assert calls(client.get(url, {"page": "x"}))[0] == "Asked about a parking permit"
    assert_accessible(second, url)
    client.cookies["django_language"] = "cy"
    welsh = client.get(url, {"page": 2})
    text = welsh.content.decode()
    assert "Hanes cysylltu" in text and "Tudalen nesaf" in text and "Tudalen flaenorol" in text
    assert_accessible(welsh, url)


def test_the_messages_section_has_its_own_page(messages_sent, resident, org_a, assert_accessible):
    from joinedup.integrations.govuk_notify.services import notify_send_email

    for n in range(1, 10):
        notify_send_email(
            to="resident@example.org",
            template="account_email",
            personalisation={"subject": f"Reminder {n}", "body": "Bins out tonight."},
            organisation=org_a,
        )
    client = client_for(resident)
    html = client.get(reverse("accounts:my-account")).content.decode()
    url = reverse("accounts:section", args=["messages"])
    section = html[html.index("Messages we sent you") : html.index('id="consent"')]
    assert f'href="{url}"' in section and "See all 11" in section
    page = client.get(url)
    text = page.content.decode()
    assert "Messages we sent you" in text
    assert "Your parking permit" in text and "Reminder 9" in text and "Read the message" in text
    assert "London Borough of Merton" in text
    assert_accessible(page, url)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_an_empty_section_says_so_helpfully(household, resident, language, assert_accessible):
    client = client_for(resident)
    client.cookies["django_language"] = language
    url = reverse("accounts:section", args=["council_tax"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    expected = {
        "en": "No partner holds any records of this kind about you",
        "cy": "Nid oes unrhyw bartner yn cadw cofnodion o\u2019r math hwn amdanoch",
    }[language]
    assert expected in html
    assert f'href="{reverse("accounts:my-account")}"' in html
    assert 'class="govuk-pagination"' not in html
    assert_accessible(page, url)
    messages = client.get(reverse("accounts:section", args=["messages"]))
    assert {"en": "We have not sent you any messages", "cy": "Nid ydym wedi anfon"}[
        language
    ] in messages.content.decode()
    assert_accessible(messages, url)


def test_a_category_the_resident_cannot_see_is_404(household, resident):
    client = client_for(resident)
    # "vehicles" is a category no module holds records in yet; the others do not exist.
    for code in ("vehicles", "no-such-category", "MESSAGES"):
        assert client.get(reverse("accounts:section", args=[code])).status_code == 404


def test_section_pages_are_for_signed_in_people_only(household, personas):
    from joinedup.core.testing import assert_access

    url = reverse("accounts:section", args=["contact_history"])
    assert_access(
        url,
        personas,
        {"anonymous": 302, "resident": 200, "officer_a": 200, "partner_b": 200},
        # Someone else's page shows nothing of the resident's.
        must_not_contain={
            "officer_a": ["Asked about a parking permit"],
            "partner_b": ["Asked about a parking permit"],
        },
    )
    response = Client().get(url)
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert (
        "Asked about a parking permit" in client_for(personas["resident"]).get(url).content.decode()
    )
