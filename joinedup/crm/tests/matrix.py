"""Persona matrix entries for the CRM's officer pages and internal API. The matrix sets
up `person` (held by org A, with an email address), `twin` (a second person org A
holds), `merge` (an earlier merge of a third person into `person`), `erasure` (an open
erasure request about `person`) and `agreement` (A and B share contact details; signed
by both only in the "with_agreement" scenario)."""

import datetime as dt

from django.utils import timezone

from joinedup.core.testing import Endpoint
from joinedup.crm import services
from joinedup.crm.models import (
    AgreementParty,
    ContactEvent,
    DataCategory,
    DataSharingAgreement,
    ErasureRequest,
    LawfulBasis,
    Person,
    PersonMerge,
)

ANON = 302  # sent to sign in
OWN_ONLY = {
    "anonymous": ANON,
    "resident": 404,
    "viewer_a": 200,
    "officer_a": 200,
    "admin_a": 200,
    "dpo_a": 200,
    "partner_b": 404,
    "officer_b": 404,
}
WRITERS_OF_A = {
    "anonymous": ANON,
    "resident": 404,
    "viewer_a": 404,
    "officer_a": 200,
    "admin_a": 200,
    "dpo_a": 200,
    "partner_b": 404,
    "officer_b": 404,
}
ANY_WRITER = {**WRITERS_OF_A, "partner_b": 200, "officer_b": 200}
DPO_ONLY = {
    "anonymous": ANON,
    "resident": 404,
    "viewer_a": 404,
    "officer_a": 404,
    "admin_a": 404,
    "dpo_a": 200,
    "partner_b": 404,
    "officer_b": 404,
}
API_READERS = {
    "anonymous": 401,
    "resident": 403,
    "viewer_a": 200,
    "officer_a": 200,
    "admin_a": 200,
    "dpo_a": 200,
    "partner_b": 404,
    "officer_b": 404,
}


def setup(ctx: dict) -> None:
    officer = ctx["users"]["officer_a"]
    org_a, org_b = ctx["org_a"], ctx["org_b"]
    ctx["person"] = services.person_create(
        actor=officer,
        organisation=org_a,
        given_name="Matrix",
        family_name="Person",
        date_of_birth=dt.date(1970, 1, 2),
        email="matrix.person@example.net",
    )
    ctx["twin"] = services.person_create(
        actor=officer, organisation=org_a, given_name="Matrix", family_name="Persson"
    )
    third = services.person_create(
        actor=officer, organisation=org_a, given_name="Third", family_name="Person"
    )
    ctx["merge"] = services.person_merge(actor=officer, survivor=ctx["person"], duplicate=third)
    ctx["erasure"] = ErasureRequest.objects.create(person=ctx["person"], reason="matrix")
    agreement = DataSharingAgreement.objects.create(
        reference="DSA-MATRIX",
        title="Matrix",
        purpose="Matrix test",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        start_date=dt.date(2025, 4, 1),
        review_date=dt.date(2030, 1, 1),
    )
    agreement.categories.set(DataCategory.objects.filter(code="contact_details"))
    signed = timezone.now() if ctx["scenario"] == "with_agreement" else None
    AgreementParty.objects.create(agreement=agreement, organisation=org_a, signed_at=timezone.now())
    AgreementParty.objects.create(agreement=agreement, organisation=org_b, signed_at=signed)
    ctx["agreement"] = agreement


def _person(ctx: dict) -> list:
    return [ctx["person"].public_id]


def _secrets(ctx: dict) -> list[str]:
    """What a refusal must not show about the person (their id is in the URL itself)."""
    return ["matrix.person@example.net", "2 January 1970", "1970-01-02"]


def _listed(ctx: dict) -> list[str]:
    """What shows that a search found the person."""
    return [*_secrets(ctx), str(ctx["person"].public_id)]


SHARED = {"partner_b": 200}


def _fresh_merge(ctx: dict) -> None:
    """A merge still to be undone, for each persona that tries to undo one."""
    officer = ctx["users"]["officer_a"]
    extra = services.person_create(
        actor=officer, organisation=ctx["org_a"], given_name="Extra", family_name="Person"
    )
    ctx["merge"] = services.person_merge(actor=officer, survivor=ctx["person"], duplicate=extra)


ENDPOINTS = [
    Endpoint(
        "crm:person-list",
        {**OWN_ONLY, "partner_b": 200, "officer_b": 200},
        data=lambda ctx: {"q": "Matrix"},
        hidden=_listed,
        conceal_from={
            "without_agreement": ("partner_b", "officer_b"),
            "with_agreement": ("officer_b",),
        },
    ),
    Endpoint("crm:person-create", ANY_WRITER),
    Endpoint("crm:person-detail", OWN_ONLY, with_agreement=SHARED, args=_person, hidden=_secrets),
    Endpoint(
        "crm:contact-event-create",
        {**WRITERS_OF_A, "officer_a": 302, "admin_a": 302, "dpo_a": 302},
        with_agreement={"partner_b": 302},
        method="post",
        args=_person,
        data=lambda ctx: {"channel": "call", "inbound": "1", "summary": "Matrix call"},
        hidden=_secrets,
        watch=lambda ctx: [ContactEvent.objects.all()],
    ),
    Endpoint(
        "crm:contact-details-add",
        WRITERS_OF_A,
        with_agreement=SHARED,
        args=_person,
        hidden=_secrets,
    ),
    Endpoint(
        "crm:person-merge",
        WRITERS_OF_A,
        with_agreement=SHARED,
        args=lambda ctx: [ctx["person"].public_id, ctx["twin"].public_id],
        hidden=_secrets,
        watch=lambda ctx: [Person.objects.all(), PersonMerge.objects.all()],
    ),
    Endpoint("crm:person-access-log", DPO_ONLY, args=_person, hidden=_secrets),
    Endpoint("crm:person-subject-access", DPO_ONLY, args=_person, hidden=_secrets),
    Endpoint(
        "crm:person-unmerge",
        {**WRITERS_OF_A, "officer_a": 302, "admin_a": 302, "dpo_a": 302},
        method="post",
        # An officer who sees the person under an agreement may undo a merge too.
        with_agreement={"partner_b": 302},
        prepare=_fresh_merge,
        args=lambda ctx: [ctx["merge"].pk],
        watch=lambda ctx: [Person.objects.all(), PersonMerge.objects.all()],
    ),
    Endpoint("crm:erasure-request-list", DPO_ONLY, hidden=lambda ctx: ["Matrix Person"]),
    Endpoint(
        "crm:erasure-request-detail",
        DPO_ONLY,
        args=lambda ctx: [ctx["erasure"].pk],
        hidden=_secrets,
    ),
    Endpoint(
        "crm:agreement-list",
        {**OWN_ONLY, "partner_b": 200, "officer_b": 200},
        hidden=lambda ctx: ["DSA-MATRIX"],
        conceal_from=dict.fromkeys(("without_agreement", "with_agreement"), ("officer_b",)),
    ),
    Endpoint(
        "crm:agreement-create",
        {
            "anonymous": ANON,
            "resident": 404,
            "viewer_a": 404,
            "officer_a": 404,
            "admin_a": 200,
            "dpo_a": 404,
            "partner_b": 404,
            "officer_b": 404,
        },
    ),
    Endpoint(
        "crm:agreement-detail",
        {**OWN_ONLY, "partner_b": 200},
        args=lambda ctx: [ctx["agreement"].reference],
        hidden=lambda ctx: ["Matrix test"],
    ),
    Endpoint(
        "crm:agreement-sign",
        {
            "anonymous": ANON,
            "resident": 404,
            "viewer_a": 404,
            "officer_a": 404,
            "admin_a": 302,
            "dpo_a": 404,
            "partner_b": 404,
            "officer_b": 404,
        },
        method="post",
        args=lambda ctx: [ctx["agreement"].reference],
        data=lambda ctx: {"organisation": ctx["org_a"].pk},
        watch=lambda ctx: [AgreementParty.objects.all()],
    ),
    Endpoint(
        "crm-api:person-search",
        {**API_READERS, "partner_b": 200, "officer_b": 200},
        data=lambda ctx: {"q": "Matrix"},
        hidden=_listed,
        conceal_from={
            "without_agreement": ("partner_b", "officer_b"),
            "with_agreement": ("officer_b",),
        },
    ),
    Endpoint(
        "crm-api:person-get", API_READERS, with_agreement=SHARED, args=_person, hidden=_secrets
    ),
    Endpoint(
        "crm-api:contact-event-create",
        {**API_READERS, "viewer_a": 404, "officer_a": 201, "admin_a": 201, "dpo_a": 201},
        with_agreement={"partner_b": 201},
        method="post",
        args=_person,
        data=lambda ctx: {"channel": "email", "summary": "Matrix email"},
        content_type="application/json",
        hidden=_secrets,
        watch=lambda ctx: [ContactEvent.objects.all()],
    ),
]
