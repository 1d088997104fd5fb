"""Reads of the shared citizen record. Nothing held by another organisation is visible
unless an agreement in force shares that category with the reader's organisation (and,
for a consent-based agreement, the person has consented and not withdrawn); every read
of a person's data is audited with the agreement that allowed it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.core.audit import audit_read
from joinedup.core.models import AuditEvent, Organisation
from joinedup.core.permissions import (
    READ_ROLES,
    organisation_ids_for,
    organisation_ids_with_capability,
)
from joinedup.core.text import search_text
from joinedup.crm import matching, registry
from joinedup.crm.models import (
    DPO_CAPABILITY,
    Consent,
    DataCategory,
    DataSharingAgreement,
    ErasureRequest,
    LawfulBasis,
    Person,
    PersonHolding,
    PersonMerge,
    PrivacyNotice,
    RequestStatus,
)

CONTACT_DETAILS = "contact_details"
OWN_RECORDS = "own"


@dataclass(frozen=True)
class Grant:
    """Why the reader may see one organisation's records in one category."""

    organisation_id: int
    agreement_id: int | None = None
    agreement_reference: str = ""
    purpose: str = ""
    needs_consent: bool = False

    @property
    def basis(self) -> str:
        return self.agreement_reference or OWN_RECORDS


@dataclass
class Section:
    category: DataCategory
    records: list[tuple[registry.LinkedRecord, Grant | None]] = field(default_factory=list)


@dataclass
class PersonView:
    person: Person
    sections: list[Section]
    agreements: list[DataSharingAgreement]
    organisations: dict[int, Organisation]


def _reader_organisation_id(actor) -> int | None:
    ids = organisation_ids_for(actor, READ_ROLES)
    return min(ids) if ids else None


def category_grants(*, actor) -> dict[str, list[Grant]]:
    """For each category, whose records the actor may see: their own organisations', then
    those disclosed to them by agreements in force (consent still to be checked per person)."""
    cached = getattr(actor, "_joinedup_grants", None)
    if cached is not None:
        return cached
    own = organisation_ids_for(actor, READ_ROLES)
    codes = list(DataCategory.objects.values_list("code", flat=True))
    grants: dict[str, list[Grant]] = {
        code: [Grant(org_id) for org_id in sorted(own)] for code in codes
    }
    if not own:
        return grants
    agreements = (
        DataSharingAgreement.objects.in_force_on()
        .filter(parties__organisation_id__in=own, parties__receives=True)
        .distinct()
        .prefetch_related("categories", "parties")
        .order_by("reference")
    )
    for agreement in agreements:
        disclosers = [
            p.organisation_id
            for p in agreement.parties.all()
            if p.discloses and p.organisation_id not in own
        ]
        for category in agreement.categories.all():
            for org_id in disclosers:
                grants.setdefault(category.code, []).append(
                    Grant(
                        org_id,
                        agreement.pk,
                        agreement.reference,
                        agreement.purpose,
                        agreement.lawful_basis == LawfulBasis.CONSENT,
                    )
                )
    if hasattr(actor, "is_verified"):
        # request.user (django-otp gives it is_verified) lives for one request, so its
        # grants are worked out once per request; other actors are not cached, as a
        # command or test may hold one user across changes to agreements.
        actor._joinedup_grants = grants
    return grants


def _consented_agreement_ids(person_ids: list[int]) -> set[int]:
    return set(
        Consent.objects.filter(person_id__in=person_ids, withdrawn_at__isnull=True).values_list(
            "agreement_id", flat=True
        )
    )


def person_access(*, actor, person: Person) -> dict[str, dict[int, Grant]]:
    """For each category, the holders whose records about `person` the actor may see and
    the grant that allows each (own records before agreements; agreements in reference
    order). Consent-based grants count only while the person's consent stands."""
    consented = _consented_agreement_ids(person.identity_ids())
    access: dict[str, dict[int, Grant]] = defaultdict(dict)
    for code, grants in category_grants(actor=actor).items():
        for grant in grants:
            if grant.needs_consent and grant.agreement_id not in consented:
                continue
            access[code].setdefault(grant.organisation_id, grant)
    return access


def _visible_people_filter(actor) -> Q:
    grants = category_grants(actor=actor).get(CONTACT_DETAILS, [])
    plain = {g.organisation_id for g in grants if not g.needs_consent}
    q = Q(holdings__organisation_id__in=plain)
    for g in grants:
        if g.needs_consent:
            q |= Q(
                holdings__organisation_id=g.organisation_id,
                consents__agreement_id=g.agreement_id,
                consents__withdrawn_at__isnull=True,
            )
    return q


def person_list(*, actor, query: str = "") -> QuerySet[Person]:
    """People the actor may see: held by their organisation, or by one that shares contact
    details with it under an agreement in force. `query` matches names, postcode or email."""
    if not organisation_ids_for(actor, READ_ROLES):
        return Person.objects.none()
    people = Person.objects.live().filter(_visible_people_filter(actor))
    query = search_text(query)
    if query:
        terms = Q()
        for word in query.split():
            terms &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
        email = matching.normalise_email(query)
        postcode = matching.normalise_postcode(query)
        terms |= Q(contact_points__normalised=email) | Q(addresses__postcode=postcode)
        people = people.filter(terms)
    return Person.objects.filter(pk__in=people.values("pk")).order_by(
        "family_name", "given_name", "pk"
    )


def person_get(*, actor, public_id) -> Person:
    """A person by public id (a merged-away id leads to the survivor), or 404 when the
    actor may not see them — the same answer as for no such person."""
    person = Person.objects.filter(public_id=public_id).first()
    if person is None:
        raise Http404("No such person")
    person = person.survivor()
    if not person_list(actor=actor).filter(pk=person.pk).exists():
        raise Http404("No such person")
    return person


def person_view(
    *, actor, person: Person, purpose: str = "Viewing the person's record"
) -> PersonView:
    """Everything the actor may see about `person`, each record with the grant that allowed
    it; the read is audited with those grants."""
    access = person_access(actor=actor, person=person)
    ids = person.identity_ids()
    categories = {c.code: c for c in DataCategory.objects.all()}
    sections: list[Section] = []
    shown: list[dict] = []
    for provider in registry.providers():
        allowed = access.get(provider.category, {})
        category = categories.get(provider.category)
        if category is None or not allowed:
            continue
        section = Section(category=category)
        for record in provider.records(person_ids=ids, organisation_ids=set(allowed)):
            section.records.append(
                (record, allowed.get(record.organisation_id) if record.organisation_id else None)
            )
        sections.append(section)
        shown += [
            {
                "category": provider.category,
                "organisation": org_id,
                "agreement": g.agreement_reference or None,
            }
            for org_id, g in sorted(allowed.items())
        ]
    agreement_ids = {
        g.agreement_id for grants in access.values() for g in grants.values() if g.agreement_id
    }
    org_ids = {org for grants in access.values() for org in grants}
    audit_read(
        actor=actor,
        obj=person,
        organisation=Organisation.objects.filter(pk=_reader_organisation_id(actor) or 0).first(),
        purpose=purpose,
        shown=shown,
    )
    return PersonView(
        person=person,
        sections=sections,
        agreements=list(DataSharingAgreement.objects.filter(pk__in=agreement_ids)),
        organisations=Organisation.objects.in_bulk(org_ids),
    )


def _identity(person: Person) -> matching.Identity:
    return matching.Identity(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        postcodes={p for p in person.addresses.values_list("postcode", flat=True) if p},
        emails={
            e
            for e in person.contact_points.filter(kind="email").values_list("normalised", flat=True)
            if e
        },
    )


def account_matches(*, actor, person: Person) -> QuerySet[Person]:
    """Residents' own records (from their accounts) whose verified email address is one
    the actor may already see on `person`. They are not otherwise visible to officers;
    this lets an officer link their organisation's record to the resident's account
    without revealing accounts to anyone who does not already know the address."""
    if not person_list(actor=actor).filter(pk=person.pk).exists():
        return Person.objects.none()
    holders = set(person_access(actor=actor, person=person).get(CONTACT_DETAILS, {}))
    emails = set(
        person.contact_points.filter(
            registry.organisation_filter(holders), kind="email"
        ).values_list("normalised", flat=True)
    )
    emails.discard("")
    if not emails:
        return Person.objects.none()
    return (
        Person.objects.live()
        .filter(
            user__isnull=False,
            contact_points__organisation__isnull=True,
            contact_points__verified_at__isnull=False,
            contact_points__normalised__in=emails,
        )
        .exclude(pk=person.pk)
        .distinct()
    )


def person_get_for_merge(*, actor, person: Person, public_id) -> Person:
    """The other person of a merge: one the actor may see, or a resident's account that
    matches `person` by verified email address."""
    other = Person.objects.filter(public_id=public_id).first()
    if (
        other is not None
        and account_matches(actor=actor, person=person).filter(pk=other.pk).exists()
    ):
        return other
    return person_get(actor=actor, public_id=public_id)


def person_duplicates(
    *, actor, person: Person, limit: int = 10
) -> list[tuple[Person, matching.MatchScore]]:
    """People the actor may see who look like `person` (typos tolerated), best first."""
    me = _identity(person)
    block = (
        Q(family_key=person.family_key)
        | Q(given_key=person.family_key)
        | Q(family_key=person.given_key)
    )
    if person.date_of_birth:
        block |= Q(date_of_birth=person.date_of_birth)
    if me.postcodes:
        block |= Q(addresses__postcode__in=me.postcodes)
    if me.emails:
        block |= Q(contact_points__normalised__in=me.emails)
    visible = person_list(actor=actor).filter(pk__in=Person.objects.filter(block).values("pk"))
    accounts = account_matches(actor=actor, person=person)
    candidates = (
        Person.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=accounts.values("pk")))
        .exclude(pk=person.pk)
        .prefetch_related("addresses", "contact_points")[:200]
    )
    scored = []
    for candidate in candidates:
        result = matching.score(me, _identity(candidate))
        if result.score >= matching.SUGGEST_FROM:
            scored.append((candidate, result))
    scored.sort(key=lambda pair: (-pair[1].score, pair[0].pk))
    return scored[:limit]


def person_access_log(*, actor, person: Person) -> QuerySet[AuditEvent]:
    """Every recorded read and change of the person's data, for data-protection officers
    of an organisation that may see the person."""
    if not organisation_ids_with_capability(actor, DPO_CAPABILITY):
        raise Http404("No such person")
    return AuditEvent.objects.filter(
        object_type="crm.person", object_id__in=[str(pk) for pk in person.identity_ids()]
    ).select_related("organisation", "actor")


def is_data_protection_officer(*, actor) -> bool:
    return bool(organisation_ids_with_capability(actor, DPO_CAPABILITY))


def agreement_list(*, actor) -> QuerySet[DataSharingAgreement]:
    """Agreements the actor's organisations are party to."""
    return (
        DataSharingAgreement.objects.filter(
            parties__organisation_id__in=organisation_ids_for(actor, READ_ROLES)
        )
        .distinct()
        .prefetch_related("categories", "parties__organisation")
        .order_by("reference")
    )


def agreement_get(*, actor, reference: str) -> DataSharingAgreement:
    agreement = agreement_list(actor=actor).filter(reference=reference).first()
    if agreement is None:
        raise Http404("No such agreement")
    return agreement


def _erasure_requests(actor) -> QuerySet[ErasureRequest]:
    dpo_orgs = organisation_ids_with_capability(actor, DPO_CAPABILITY)
    if not dpo_orgs:
        raise Http404("Not found")
    held = PersonHolding.objects.filter(organisation_id__in=dpo_orgs).values("person_id")
    return (
        ErasureRequest.objects.filter(
            Q(person_id__in=held)
            | Q(person__merged_into__in=held)
            | Q(person__merged_people__in=held)
        )
        .distinct()
        .select_related("person")
    )


def erasure_request_list(*, actor) -> QuerySet[ErasureRequest]:
    """Open erasure requests about people the data-protection officer's organisation holds."""
    return _erasure_requests(actor).filter(status=RequestStatus.OPEN)


def person_merges(*, actor, person: Person) -> QuerySet[PersonMerge]:
    """Merges into this person that can still be undone."""
    person_get(actor=actor, public_id=person.public_id)
    return PersonMerge.objects.filter(survivor=person, unmerged_at__isnull=True).select_related(
        "duplicate"
    )


def privacy_notice_list() -> QuerySet[PrivacyNotice]:
    """Every partner's current notice (the latest published), for residents."""
    return PrivacyNotice.objects.select_related("organisation").order_by(
        "organisation__name", "-published_on"
    )


def person_search(*, actor, query: str) -> list[Person]:
    """A search of the people the actor may see; the names shown are personal data, so
    the search is audited with the people it found."""
    query = search_text(query)
    people = list(person_list(actor=actor, query=query)[:50])
    from joinedup.core.audit import audit_record

    audit_record(
        actor=actor,
        action="personal_data.search",
        object_type="crm.search",
        object_id="",
        organisation=Organisation.objects.filter(pk=_reader_organisation_id(actor) or 0).first(),
        after={"query": query, "people": [p.pk for p in people]},
    )
    return people


def erasure_request_get(*, actor, request_id: int) -> ErasureRequest:
    request = _erasure_requests(actor).filter(pk=request_id).first()
    if request is None:
        raise Http404("No such request")
    return request
