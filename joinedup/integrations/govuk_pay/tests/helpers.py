"""Playing the payer on the sandbox's hosted pages, as a browser would."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.test import Client

GOOD_CARD = "4242424242424242"


def pay_on_sandbox(next_url: str, card: str = GOOD_CARD, *, confirm: bool = True) -> str:
    """Fill in the card page at `next_url`; returns where the browser is sent next."""
    browser = Client()
    path = urlsplit(next_url).path
    page = browser.get(path)
    assert page.status_code == 200, page.status_code
    response = browser.post(
        path,
        {
            "card_number": card,
            "expiry_month": "12",
            "expiry_year": "39",
            "cardholder_name": "Ann Example",
            "cvc": "123",
        },
    )
    if response.status_code == 302 and response["Location"].endswith("/confirm/"):
        if not confirm:
            return response["Location"]
        response = browser.post(response["Location"])
        assert response.status_code == 302
        return response["Location"]
    return path  # a failed card: the payer sees the sandbox's "not taken" page
