"""Helpers for permission tests that every app reuses.

`assert_access` tries one URL as each persona and checks the status each must get;
`unchanged` proves a refused request wrote nothing; `assert_csp_safe` proves a page holds
nothing inline that the Content-Security-Policy would block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.db import models
from django.test import Client

from joinedup.core.permissions import is_officer_account

PERSONAS = ("anonymous", "resident", "viewer_a", "officer_a", "admin_a", "partner_b", "officer_b")


def client_for(user, *, mfa: bool = True) -> Client:
    """A test client signed in as `user`. An officer's session has also passed multi-factor
    sign-in (with a confirmed authenticator made for the purpose), as after a real sign-in;
    pass `mfa=False` for a session that has only the password step."""
    client = Client()
    if user is not None:
        client.force_login(user)
        if mfa and is_officer_account(user):
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


def assert_access(
    url: str,
    users: Mapping[str, Any],
    expected: Mapping[str, int],
    *,
    method: str = "get",
    data: dict | None = None,
    must_not_contain: Mapping[str, list[str]] | None = None,
) -> None:
    """Request `url` as each persona named in `expected` and check the status code; for
    personas in `must_not_contain`, also check the body leaks none of the given strings."""
    failures = []
    for persona, status in expected.items():
        response = getattr(client_for(users.get(persona)), method)(url, data or {})
        if response.status_code != status:
            failures.append(f"{persona}: expected {status}, got {response.status_code}")
        for secret in (must_not_contain or {}).get(persona, []):
            if secret in response.content.decode(errors="replace"):
                failures.append(f"{persona}: response shows {secret!r}")
    assert not failures, f"{method.upper()} {url}\n" + "\n".join(failures)


def _state(querysets: list[models.QuerySet]) -> list[list[tuple]]:
    return [sorted(map(tuple, qs.values_list())) for qs in querysets]  # type: ignore[arg-type]


@contextmanager
def unchanged(*querysets: models.QuerySet) -> Iterator[None]:
    """Assert that the rows of the given querysets are the same after the block."""
    before = _state(list(querysets))
    yield
    assert _state(list(querysets)) == before, "a refused request changed data"


# --- The Content-Security-Policy ------------------------------------------------------

# <script> types a browser does not run (data blocks such as Django's json_script), so the
# policy does not apply to them.
DATA_SCRIPT_TYPES = ("application/json", "application/ld+json")


class _InlineCode(HTMLParser):
    def __init__(self, nonce: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"line {self.getpos()[0]}: <{tag}>"
        if tag == "style":
            self.found.append(f"{where} an inline <style> element")
        if "style" in values:
            self.found.append(f'{where} a style="" attribute')
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"{where} an event-handler attribute {name}")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"{where} a javascript: URL in {name}")
        if tag == "script" and "src" not in values:
            kind = values.get("type", "").strip().lower()
            if kind not in DATA_SCRIPT_TYPES and values.get("nonce") != self.nonce:
                self.found.append(f"{where} an inline <script> without the page's nonce")


def inline_code(html: str, nonce: str) -> list[str]:
    """What `html` holds that the policy (script-src 'self' 'nonce-…'; style-src 'self')
    blocks: <style> elements, style="" and on…="" attributes, javascript: URLs, and inline
    scripts that do not carry `nonce`. Empty when there is nothing."""
    parser = _InlineCode(nonce)
    parser.feed(html)
    parser.close()
    return parser.found


def assert_csp_safe(response) -> None:
    """The page runs and looks as written under its own Content-Security-Policy: nothing
    inline is blocked (inline scripts carry the nonce the header names)."""
    policy = response["Content-Security-Policy"]
    match = re.search(r"'nonce-([^']+)'", policy)
    assert match, f"no nonce in the policy {policy!r}"
    found = inline_code(response.content.decode(), match.group(1))
    assert not found, "the Content-Security-Policy blocks:\n" + "\n".join(found)


# --- The pin map (core/static/core/pin-map.js) -----------------------------------------


@dataclass
class PinMapSeen:
    """What a pin map page did in the browser (see `exercise_pin_map`)."""

    shown: bool
    submit_disabled_at_first: bool
    clicked: tuple[str, str]
    status_after_click: str
    submit_disabled_after_click: bool
    entered: tuple[str, str]
    entered_after_panning_east: tuple[str, str]
    blocked_by_policy: list[str]


def exercise_pin_map(page, map_selector: str) -> PinMapSeen:
    """Use a pin map as a resident would, on a Playwright page (`in_browser`): click it,
    then from the keyboard put the pin at its centre (Enter), move the map east (the
    right arrow key) and put the pin down again (Space)."""

    def point() -> tuple[str, str]:
        return page.input_value("#pin-lat"), page.input_value("#pin-lon")

    shown = page.is_visible(map_selector)
    disabled_at_first = page.is_disabled("#pin-submit")
    page.click(map_selector, position={"x": 90, "y": 120})
    clicked = point()
    status = page.inner_text("#pin-status")
    disabled_after_click = page.is_disabled("#pin-submit")
    page.focus(map_selector)
    page.keyboard.press("Enter")
    entered = point()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(600)  # Leaflet animates the pan
    page.keyboard.press(" ")
    return PinMapSeen(
        shown=shown,
        submit_disabled_at_first=disabled_at_first,
        clicked=clicked,
        status_after_click=status,
        submit_disabled_after_click=disabled_after_click,
        entered=entered,
        entered_after_panning_east=point(),
        blocked_by_policy=page.evaluate("window.cspViolations"),
    )


def assert_pin_map_works(seen: PinMapSeen) -> None:
    """A click and the keyboard each put the pin down, fill the hidden latitude and
    longitude (to six places), say where it is and enable the button; nothing on the
    page is blocked by its Content-Security-Policy."""
    six_places = re.compile(r"^-?\d+\.\d{6}$")
    assert seen.shown
    assert seen.submit_disabled_at_first
    assert all(six_places.match(v) for v in seen.clicked), seen.clicked
    assert seen.clicked[0] in seen.status_after_click
    assert seen.clicked[1] in seen.status_after_click
    assert not seen.submit_disabled_after_click
    assert all(six_places.match(v) for v in seen.entered), seen.entered
    # The click was near the top left corner; Enter puts the pin at the centre.
    assert float(seen.entered[0]) < float(seen.clicked[0])
    assert float(seen.entered[1]) > float(seen.clicked[1])
    # East, not north or south (within Leaflet's rounding to whole pixels).
    east = seen.entered_after_panning_east
    moved_east = float(east[1]) - float(seen.entered[1])
    assert moved_east > 0, east
    assert abs(float(east[0]) - float(seen.entered[0])) < moved_east / 10, east
    assert seen.blocked_by_policy == []


# --- The persona matrix ---------------------------------------------------------------

# URL prefixes of officer pages and internal APIs: every URL under them must have an
# entry in some app's `tests/matrix.py`.
OFFICER_PREFIXES = ("staff/", "api/internal/")
MATRIX_PERSONAS = (
    "anonymous",
    "resident",
    "viewer_a",
    "officer_a",
    "admin_a",
    "dpo_a",
    "partner_b",
    "officer_b",
)
SCENARIOS = ("without_agreement", "with_agreement")


@dataclass
class Endpoint:
    """One officer URL in the persona matrix.

    `expected` gives the status for every persona in MATRIX_PERSONAS; `with_agreement`
    overrides some when organisations A and B have an agreement in force. `args`, `data`,
    `hidden` and `watch` are functions of the matrix context (a dict of the objects the
    matrix set up). `hidden` strings must not appear in any response whose status is 400
    or more (nothing leaks from a refusal); `watch` querysets must be unchanged by every
    refused request (nothing changes)."""

    name: str
    expected: Mapping[str, int]
    with_agreement: Mapping[str, int] = field(default_factory=dict)
    method: str = "get"
    args: Callable[[dict], list] = lambda ctx: []
    data: Callable[[dict], dict] = lambda ctx: {}
    hidden: Callable[[dict], list[str]] = lambda ctx: []
    watch: Callable[[dict], list[models.QuerySet]] = lambda ctx: []
    content_type: str | None = None
    # Called before each persona's request, for one-shot actions (e.g. undoing a merge).
    prepare: Callable[[dict], None] | None = None
    # Personas (per scenario) who get a page but must not see the `hidden` strings on it.
    conceal_from: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def status_for(self, persona: str, scenario: str) -> int:
        if scenario == "with_agreement" and persona in self.with_agreement:
            return self.with_agreement[persona]
        return self.expected[persona]


def officer_url_names() -> dict[str, str]:
    """Every named URL under an officer prefix: {"namespace:name": route}."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                if route.lstrip("^").startswith(OFFICER_PREFIXES):
                    found[f"{namespace}{p.name}"] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def run_endpoint(
    endpoint: Endpoint, users: Mapping[str, Any], ctx: dict, scenario: str
) -> list[str]:
    """Request the endpoint as every persona; return what went wrong. Personas that are
    refused go first, so a success cannot hide what a refusal would have changed."""
    from django.urls import reverse

    failures = []

    def refused(persona: str) -> bool:
        # Anonymous requests are refused by a redirect to sign in.
        return persona == "anonymous" or endpoint.status_for(persona, scenario) >= 400

    order = sorted(MATRIX_PERSONAS, key=lambda p: not refused(p))
    for persona in order:
        status = endpoint.status_for(persona, scenario)
        if endpoint.prepare is not None:
            endpoint.prepare(ctx)
        url = reverse(endpoint.name, args=endpoint.args(ctx))
        client = client_for(users.get(persona))
        kwargs: dict[str, Any] = {}
        if endpoint.content_type:
            kwargs["content_type"] = endpoint.content_type
        watched = endpoint.watch(ctx) if refused(persona) else []
        before = _state(watched)
        response = getattr(client, endpoint.method)(url, endpoint.data(ctx), **kwargs)
        if response.status_code != status:
            failures.append(
                f"{endpoint.name} {scenario} {persona}: expected {status}, got {response.status_code}"
            )
        if response.status_code >= 400 or persona in endpoint.conceal_from.get(scenario, ()):
            body = response.content.decode(errors="replace")
            failures += [
                f"{endpoint.name} {scenario} {persona}: response shows {secret!r}"
                for secret in endpoint.hidden(ctx)
                if secret in body
            ]
        if watched and _state(watched) != before:
            failures.append(f"{endpoint.name} {scenario} {persona}: a refused request changed data")
    return failures
