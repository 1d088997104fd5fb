"""Writes to the shared citizen record. Each is atomic, checked against the actor's roles
and audited; subject access and erasure also say exactly what they did."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from joinedup.core.audit import audit_read, audit_record, snapshot
from joinedup.core.models import Organisation, User
from joinedup.core.permissions import (
    ADMIN_ROLES,
    WRITE_ROLES,
    has_role,
    organisation_ids_for,
    organisation_ids_with_capability,
)
from joinedup.crm import matching, registry, selectors
from joinedup.crm.models import (
    DPO_CAPABILITY,
    Address,
    AgreementParty,
    Channel,
    Consent,
    ContactEvent,
    ContactKind,
    ContactPoint,
    DataCategory,
    DataSharingAgreement,
    ErasureRequest,
    ErasureRule,
    LawfulBasis,
    Person,
    PersonHolding,
    PersonMerge,
    RequestStatus,
    SubjectAccessRequest,
)

PERSON_FIELDS = ["given_name", "family_name", "date_of_birth", "merged_into", "user", "erased_at"]


def _require_writer(actor, organisation: Organisation) -> None:
    if not has_role(actor, organisation, WRITE_ROLES):
        raise Http404("No such organisation")


def _keys(person: Person) -> None:
    person.given_key = matching.soundex(person.given_name)
    person.family_key = matching.soundex(person.family_name)


def _add_contact_point(
    person: Person,
    organisation: Organisation | None,
    kind: str,
    value: str,
    *,
    verified: bool = False,
) -> ContactPoint:
    value = value.strip()
    if kind == ContactKind.EMAIL:
        normalised = matching.normalise_email(value)
        if "@" not in normalised:
            raise ValidationError(
                {"email": ["Enter an email address in the correct format, like name@example.com"]}
            )
    else:
        normalised = matching.normalise_phone(value)
        if len(normalised) < 10:
            raise ValidationError({"phone": ["Enter a telephone number, like 01632 960 001"]})
    return ContactPoint.objects.create(
        person=person,
        organisation=organisation,
        kind=kind,
        value=value,
        normalised=normalised,
        verified_at=timezone.now() if verified else None,
    )


@transaction.atomic
def person_holding_ensure(*, actor, person: Person, organisation: Organisation) -> bool:
    """Record that `organisation` now holds `person` (another module linked one of its
    records to them, e.g. a council tax account the resident showed is theirs). `actor`
    is the officer or the resident who made the link. True when the holding is new."""
    person = person.survivor()
    _holding, created = PersonHolding.objects.get_or_create(
        person=person, organisation=organisation
    )
    if created:
        audit_record(
            actor=actor,
            action="crm.person.hold",
            obj=person,
            organisation=organisation,
            after={"organisation": organisation.pk},
        )
    return created


@transaction.atomic
def person_create(
    *,
    actor,
    organisation: Organisation,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None = None,
    email: str = "",
    phone: str = "",
    address: dict[str, Any] | None = None,
) -> Person:
    """Add a person to `organisation`'s records (its officers only)."""
    _require_writer(actor, organisation)
    if not given_name.strip() or not family_name.strip():
        raise ValidationError({"given_name": ["Enter the person's full name"]})
    person = Person(
        given_name=given_name.strip(), family_name=family_name.strip(), date_of_birth=date_of_birth
    )
    _keys(person)
    person.save()
    PersonHolding.objects.create(person=person, organisation=organisation)
    if email:
        _add_contact_point(person, organisation, ContactKind.EMAIL, email)
    if phone:
        _add_contact_point(person, organisation, ContactKind.PHONE, phone)
    if address:
        _address_add(person, organisation, address)
    audit_record(
        actor=actor,
        action="crm.person.create",
        obj=person,
        organisation=organisation,
        after=snapshot(person, ["given_name", "family_name", "date_of_birth"]),
    )
    return person


def _address_add(
    person: Person, organisation: Organisation | None, data: dict[str, Any]
) -> Address:
    line_1 = (data.get("line_1") or "").strip()
    postcode = matching.normalise_postcode(data.get("postcode") or "")
    if not line_1 or len(postcode.replace(" ", "")) < 5:
        raise ValidationError(
            {"line_1": ["Enter the first line of the address and a full postcode"]}
        )
    return Address.objects.create(
        person=person,
        organisation=organisation,
        line_1=line_1,
        line_2=(data.get("line_2") or "").strip(),
        town=(data.get("town") or "").strip(),
        postcode=postcode,
        uprn=data.get("uprn") or None,
    )


@transaction.atomic
def person_contact_details_add(
    *,
    actor,
    person: Person,
    organisation: Organisation,
    email: str = "",
    phone: str = "",
    address: dict[str, Any] | None = None,
) -> Person:
    """Record contact details `organisation` holds for the person (it then holds them)."""
    _require_writer(actor, organisation)
    selectors.person_get(actor=actor, public_id=person.public_id)
    if not (email or phone or address):
        raise ValidationError({"email": ["Enter an email address, phone number or address"]})
    PersonHolding.objects.get_or_create(person=person, organisation=organisation)
    added: dict[str, Any] = {}
    if email:
        added["email"] = _add_contact_point(person, organisation, ContactKind.EMAIL, email).pk
    if phone:
        added["phone"] = _add_contact_point(person, organisation, ContactKind.PHONE, phone).pk
    if address:
        added["address"] = _address_add(person, organisation, address).pk
    audit_record(
        actor=actor,
        action="crm.contact_details.add",
        obj=person,
        organisation=organisation,
        after=added,
    )
    return person


@transaction.atomic
def contact_event_record(
    *,
    actor,
    person: Person,
    organisation: Organisation,
    channel: str,
    summary: str,
    inbound: bool = True,
    occurred_at: dt.datetime | None = None,
) -> ContactEvent:
    """Note a call, email, visit or letter with the person."""
    _require_writer(actor, organisation)
    selectors.person_get(actor=actor, public_id=person.public_id)
    if channel not in Channel.values:
        raise ValidationError({"channel": ["Select how the contact happened"]})
    if not summary.strip():
        raise ValidationError({"summary": ["Enter a summary of the contact"]})
    PersonHolding.objects.get_or_create(person=person, organisation=organisation)
    event = ContactEvent.objects.create(
        person=person,
        organisation=organisation,
        officer=actor,
        channel=channel,
        inbound=inbound,
        occurred_at=occurred_at or timezone.now(),
        summary=summary.strip(),
    )
    audit_record(
        actor=actor,
        action="crm.contact_event.record",
        object_type="crm.person",
        object_id=person.pk,
        organisation=organisation,
        after={"contact_event": event.pk, "channel": channel},
    )
    return event


@transaction.atomic
def person_merge(*, actor, survivor: Person, duplicate: Person) -> PersonMerge:
    """Merge a duplicate into a survivor: the duplicate's records then show on the
    survivor (records stay where they are, so `person_unmerge` can undo it exactly). A
    person with a resident account always survives."""
    selectors.person_get(actor=actor, public_id=survivor.public_id)
    selectors.person_get_for_merge(actor=actor, person=survivor, public_id=duplicate.public_id)
    if not organisation_ids_for(actor, WRITE_ROLES):
        raise Http404("No such person")
    if survivor.pk == duplicate.pk:
        raise ValidationError("A person cannot be merged with themself.")
    if survivor.user_id and duplicate.user_id:
        raise ValidationError("Both people have their own accounts; they cannot be merged.")
    if duplicate.user_id and not survivor.user_id:
        survivor, duplicate = duplicate, survivor
    before = {
        "survivor": snapshot(survivor, PERSON_FIELDS),
        "duplicate": snapshot(duplicate, PERSON_FIELDS),
    }
    Person.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    # The survivor is held by everyone who held the duplicate; remember which holdings
    # the merge added so unmerging removes only those.
    added = []
    for org_id in duplicate.holdings.values_list("organisation_id", flat=True):
        _, created = PersonHolding.objects.get_or_create(person=survivor, organisation_id=org_id)
        if created:
            added.append(org_id)
    merge = PersonMerge.objects.create(
        survivor=survivor, duplicate=duplicate, merged_by=actor, added_holdings=added
    )
    for person in (survivor, duplicate):
        audit_record(
            actor=actor,
            action="crm.person.merge",
            obj=person,
            after={"survivor": survivor.pk, "duplicate": duplicate.pk, "merge": merge.pk},
            before=before,
        )
    return merge


@transaction.atomic
def person_unmerge(*, actor, merge: PersonMerge) -> Person:
    """Undo a merge: the duplicate stands alone again with its own records."""
    selectors.person_get(actor=actor, public_id=merge.survivor.public_id)
    if not organisation_ids_for(actor, WRITE_ROLES):
        raise Http404("No such person")
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.unmerged_at is not None:
        raise ValidationError("This merge has already been undone.")
    Person.objects.filter(pk=merge.duplicate_id).update(merged_into=None)
    PersonHolding.objects.filter(
        person_id=merge.survivor_id, organisation_id__in=merge.added_holdings
    ).delete()
    merge.unmerged_at = timezone.now()
    merge.unmerged_by = actor
    merge.save(update_fields=["unmerged_at", "unmerged_by"])
    for pk in (merge.survivor_id, merge.duplicate_id):
        audit_record(
            actor=actor,
            action="crm.person.unmerge",
            object_type="crm.person",
            object_id=pk,
            after={
                "survivor": merge.survivor_id,
                "duplicate": merge.duplicate_id,
                "merge": merge.pk,
            },
        )
    return merge.duplicate


# --- Agreements -----------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    actor,
    organisation: Organisation,
    reference: str,
    title: str,
    purpose: str,
    lawful_basis: str,
    categories: list[str],
    parties: list[Organisation],
    start_date: dt.date,
    review_date: dt.date,
    end_date: dt.date | None = None,
    lawful_basis_detail: str = "",
) -> DataSharingAgreement:
    """Draft an agreement between `organisation` (whose administrator the actor is) and
    other parties. It comes into force once every party's administrator has signed."""
    if not has_role(actor, organisation, ADMIN_ROLES):
        raise Http404("No such organisation")
    errors: dict[str, list[str]] = {}
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = ["Select the lawful basis for sharing"]
    found = list(DataCategory.objects.filter(code__in=categories))
    if not found or len(found) != len(set(categories)):
        errors["categories"] = ["Select the categories of data shared"]
    everyone = {organisation.pk: organisation, **{p.pk: p for p in parties}}
    if len(everyone) < 2:
        errors["parties"] = ["Select at least one other organisation"]
    if end_date and end_date <= start_date:
        errors["end_date"] = ["The end date must be after the start date"]
    if not purpose.strip():
        errors["purpose"] = ["Enter the purpose of the sharing"]
    if DataSharingAgreement.objects.filter(reference=reference).exists():
        errors["reference"] = ["An agreement with this reference already exists"]
    if errors:
        raise ValidationError(errors)
    agreement = DataSharingAgreement.objects.create(
        reference=reference,
        title=title,
        purpose=purpose.strip(),
        lawful_basis=lawful_basis,
        lawful_basis_detail=lawful_basis_detail,
        start_date=start_date,
        end_date=end_date,
        review_date=review_date,
        created_by=actor,
    )
    agreement.categories.set(found)
    for org in everyone.values():
        AgreementParty.objects.create(agreement=agreement, organisation=org)
    audit_record(
        actor=actor,
        action="crm.agreement.create",
        obj=agreement,
        organisation=organisation,
        after={
            "reference": reference,
            "categories": sorted(categories),
            "parties": sorted(everyone),
            "lawful_basis": lawful_basis,
            "start_date": start_date,
            "end_date": end_date,
        },
    )
    return agreement


@transaction.atomic
def agreement_sign(
    *, actor, agreement: DataSharingAgreement, organisation: Organisation
) -> AgreementParty:
    """Sign for one party (its administrators only)."""
    if not has_role(actor, organisation, ADMIN_ROLES):
        raise Http404("No such agreement")
    party = (
        AgreementParty.objects.select_for_update()
        .filter(agreement=agreement, organisation=organisation)
        .first()
    )
    if party is None:
        raise Http404("No such agreement")
    if party.signed_at is None:
        party.signed_at = timezone.now()
        party.signed_by = actor
        party.save(update_fields=["signed_at", "signed_by"])
        audit_record(
            actor=actor, action="crm.agreement.sign", obj=agreement, organisation=organisation
        )
    return party


@transaction.atomic
def agreement_suspend(
    *, actor, agreement: DataSharingAgreement, organisation: Organisation
) -> DataSharingAgreement:
    """Stop sharing at once; any party's administrator may."""
    if (
        not has_role(actor, organisation, ADMIN_ROLES)
        or not agreement.parties.filter(organisation=organisation).exists()
    ):
        raise Http404("No such agreement")
    if agreement.suspended_at is None:
        agreement.suspended_at = timezone.now()
        agreement.save(update_fields=["suspended_at"])
        audit_record(
            actor=actor, action="crm.agreement.suspend", obj=agreement, organisation=organisation
        )
    return agreement


# --- Residents: their own record, consent, export, erasure ----------------------------


@transaction.atomic
def person_for_account(*, user: User, given_name: str, family_name: str, email: str) -> Person:
    """The resident's own person record, made when their email address is verified."""
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return person
    person = Person(given_name=given_name.strip(), family_name=family_name.strip(), user=user)
    _keys(person)
    person.save()
    _add_contact_point(person, None, ContactKind.EMAIL, email, verified=True)
    audit_record(actor=user, action="crm.person.create", obj=person, after={"account": user.pk})
    return person


def _own_person(user: User) -> Person:
    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        raise Http404("No person record")
    return person


@transaction.atomic
def consent_give(*, user: User, agreement: DataSharingAgreement) -> Consent:
    """The resident agrees to sharing under a consent-based agreement."""
    person = _own_person(user)
    if agreement.lawful_basis != LawfulBasis.CONSENT:
        raise ValidationError("This agreement does not rely on consent.")
    existing = Consent.objects.filter(
        person=person, agreement=agreement, withdrawn_at__isnull=True
    ).first()
    if existing:
        return existing
    consent = Consent.objects.create(person=person, agreement=agreement, recorded_by=user)
    audit_record(
        actor=user, action="crm.consent.give", obj=person, after={"agreement": agreement.reference}
    )
    return consent


@transaction.atomic
def consent_withdraw(*, user: User, agreement: DataSharingAgreement) -> int:
    """Withdraw consent: sharing under the agreement stops for this person at once."""
    person = _own_person(user)
    count = Consent.objects.filter(
        person_id__in=person.identity_ids(), agreement=agreement, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if count:
        audit_record(
            actor=user,
            action="crm.consent.withdraw",
            obj=person,
            after={"agreement": agreement.reference},
        )
    return count


def _assemble(
    person: Person, organisation_ids_by_category: dict[str, registry.OrganisationIds]
) -> dict[str, Any]:
    ids = person.identity_ids()
    names = dict(Organisation.objects.values_list("pk", "name"))
    categories = {c.code: c for c in DataCategory.objects.all()}
    sections = []
    for provider in registry.providers():
        if provider.category not in organisation_ids_by_category:
            continue
        rows = provider.export(
            person_ids=ids, organisation_ids=organisation_ids_by_category[provider.category]
        )
        for row in rows:
            if "organisation" in row:
                row["held_by"] = (
                    names.get(row["organisation"], "Your account")
                    if row["organisation"]
                    else "Your account"
                )
        category = categories.get(provider.category)
        sections.append(
            {
                "category": provider.category,
                "name": category.name if category else provider.category,
                "records": rows,
            }
        )
    return {
        "person": {
            "id": str(person.public_id),
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        },
        "generated_at": timezone.now().isoformat(),
        "categories": sections,
    }


def account_data_export(*, user: User) -> dict[str, Any]:
    """Everything the partnership holds about the signed-in resident (all holders)."""
    person = _own_person(user)
    data = _assemble(person, {p.category: None for p in registry.providers()})
    audit_read(
        actor=user,
        obj=person,
        organisation=None,
        purpose="Resident downloaded their data",
        shown=[{"category": "all", "organisation": None, "agreement": None}],
    )
    return data


@transaction.atomic
def subject_access_assemble(*, actor, person: Person) -> dict[str, Any]:
    """A subject access request (Article 15) assembled by a data-protection officer: the
    records of every organisation the agreements let the officer's organisation see, with
    the resident's own account data."""
    dpo_orgs = organisation_ids_with_capability(actor, DPO_CAPABILITY)
    if not dpo_orgs:
        raise Http404("No such person")
    selectors.person_get(actor=actor, public_id=person.public_id)
    access = selectors.person_access(actor=actor, person=person)
    allowed: dict[str, registry.OrganisationIds] = {
        code: {*grants.keys(), None} for code, grants in access.items() if grants
    }
    data = _assemble(person, allowed)
    data["bases"] = {
        code: [
            {"organisation": org, "agreement": g.agreement_reference or None}
            for org, g in sorted(grants.items())
        ]
        for code, grants in access.items()
        if grants
    }
    organisation = Organisation.objects.get(pk=min(dpo_orgs))
    request = SubjectAccessRequest.objects.create(
        person=person, organisation=organisation, requested_by=actor
    )
    data["request"] = {
        "id": request.pk,
        "organisation": organisation.name,
        "due_on": (request.received_on + dt.timedelta(days=30)).isoformat(),
    }
    audit_read(
        actor=actor,
        obj=person,
        organisation=organisation,
        purpose="Subject access request",
        shown=[
            {"category": c, "organisation": o["organisation"], "agreement": o["agreement"]}
            for c, rows in data["bases"].items()
            for o in rows
        ],
        action="personal_data.subject_access",
    )
    return data


@transaction.atomic
def erasure_request_create(*, user: User, reason: str = "") -> ErasureRequest:
    person = _own_person(user)
    open_request = ErasureRequest.objects.filter(person=person, status=RequestStatus.OPEN).first()
    if open_request:
        return open_request
    request = ErasureRequest.objects.create(
        person=person, requested_by=user, reason=reason.strip()[:2000]
    )
    audit_record(
        actor=user, action="crm.erasure.request", obj=person, after={"request": request.pk}
    )
    return request


@transaction.atomic
def erasure_carry_out(*, actor, request: ErasureRequest) -> dict[str, Any]:
    """Carry out an erasure request for the data-protection officer's organisations (and
    the account data the resident gave the platform): categories whose rule is to keep
    (for example council tax, a financial record the law requires) are kept and counted;
    the rest are anonymised. Returns and stores the report."""
    dpo_orgs = organisation_ids_with_capability(actor, DPO_CAPABILITY)
    person = request.person.survivor()
    held = set(
        PersonHolding.objects.filter(person_id__in=person.identity_ids()).values_list(
            "organisation_id", flat=True
        )
    )
    if not dpo_orgs or not (dpo_orgs & held or (person.user_id and dpo_orgs)):
        raise Http404("No such request")
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.OPEN:
        raise ValidationError("This request has already been dealt with.")
    scope: set[int | None] = {*dpo_orgs, None}
    rules = {c.code: c for c in DataCategory.objects.all()}
    ids = person.identity_ids()
    outcomes = []
    for provider in registry.providers():
        rule = rules.get(provider.category)
        if rule is not None and rule.erasure == ErasureRule.KEEP:
            count = len(provider.export(person_ids=ids, organisation_ids=scope))
            outcomes.append(
                {
                    "category": provider.category,
                    "anonymised": 0,
                    "kept": count,
                    "notes": [rule.keep_reason or "Kept: the law requires it"],
                }
            )
            continue
        outcome = provider.anonymise(person_ids=ids, organisation_ids=scope)
        outcomes.append(
            {
                "category": outcome.category,
                "anonymised": outcome.anonymised,
                "kept": outcome.kept,
                "notes": outcome.notes,
            }
        )
    remaining = set(
        PersonHolding.objects.filter(person_id__in=ids).values_list("organisation_id", flat=True)
    )
    if not remaining:
        Person.objects.filter(pk__in=ids).update(
            given_name="Erased",
            family_name="person",
            date_of_birth=None,
            given_key="",
            family_key="",
            erased_at=timezone.now(),
        )
    report = {
        "organisations": sorted(dpo_orgs),
        "carried_out_at": timezone.now().isoformat(),
        "by": actor.get_username(),
        "categories": outcomes,
        "still_held_by": sorted(remaining),
        "identity_erased": not remaining,
    }
    request.reports = [*request.reports, report]
    if not remaining:
        request.status = RequestStatus.DONE
    request.save(update_fields=["reports", "status"])
    audit_record(
        actor=actor,
        action="crm.erasure.carry_out",
        obj=person,
        organisation=Organisation.objects.get(pk=min(dpo_orgs)),
        after=report,
    )
    return report


@transaction.atomic
def retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Anonymise, in every category with a retention period, what is older than it. A
    `keep` category (kept against erasure requests because the law requires it) is
    anonymised too once its own retention period has run out."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for category in DataCategory.objects.filter(retention_days__isnull=False):
        provider = registry.provider_for(category.code)
        if provider is None:
            continue
        done[category.code] = provider.expire(
            before=now - dt.timedelta(days=category.retention_days or 0)
        )
    audit_record(
        actor=None,
        action="crm.retention.apply",
        object_type="crm.datacategory",
        object_id="all",
        after=done,
    )
    return done
