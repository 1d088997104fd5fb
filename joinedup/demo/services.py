"""The demonstration partnership: real bodies from the bundled registers, plus the few
partners the registers do not hold (fire services, a housing association)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from joinedup.core.audit import audit_record
from joinedup.core.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipMember,
    PartnershipRole,
    Role,
    User,
)
from joinedup.demo.citizen_record import RESIDENT_USERNAME, demo_citizen_record_load
from joinedup.geo.models import Area

PARTNERSHIP_SLUG = "sutton-merton-surrey"
AGREEMENT_START = dt.date(2025, 4, 1)

# (GSS code, partnership role) for bodies that come from the registers.
REGISTER_MEMBERS = [
    ("E09000029", PartnershipRole.LEAD),  # London Borough of Sutton
    ("E09000024", PartnershipRole.MEMBER),  # London Borough of Merton
    ("E07000211", PartnershipRole.MEMBER),  # Reigate and Banstead
    ("E07000208", PartnershipRole.MEMBER),  # Epsom and Ewell
    ("E10000030", PartnershipRole.MEMBER),  # Surrey County Council
    ("E23000001", PartnershipRole.MEMBER),  # Metropolitan Police
    ("E23000031", PartnershipRole.MEMBER),  # Surrey Police (register name: "Surrey")
    ("E54000031", PartnershipRole.MEMBER),  # NHS South West London ICB
    ("E06000065", PartnershipRole.ASSOCIATE),  # North Yorkshire Council (successor of Harrogate)
]


@dataclass(frozen=True)
class ExtraBody:
    slug: str
    name: str
    kind: str
    homepage: str
    area_filter: dict


EXTRA_BODIES = [
    ExtraBody(
        "london-fire-brigade",
        "London Fire Brigade",
        OrganisationKind.FIRE_AUTHORITY,
        "https://www.london-fire.gov.uk/",
        {"type": "LBO", "gss__startswith": "E09"},
    ),
    ExtraBody(
        "surrey-fire-and-rescue",
        "Surrey Fire and Rescue Service",
        OrganisationKind.FIRE_AUTHORITY,
        "https://www.surreycc.gov.uk/people-and-community/fire-and-rescue",
        {"gss": "E10000030"},
    ),
    ExtraBody(
        "clarion-housing",
        "Clarion Housing Association",
        OrganisationKind.HOUSING_ASSOCIATION,
        "https://www.myclarionhousing.com/",
        {"gss__in": ["E09000024", "E09000029"]},
    ),
]

# The police register names force *areas* ("Surrey"); a partner is shown by its own name.
DISPLAY_NAMES = {"E23000031": "Surrey Police"}

# Demo people: username → (organisation slug or GSS, role).
DEMO_PEOPLE = {
    "sutton.admin": ("E09000029", Role.ADMIN),
    "sutton.officer": ("E09000029", Role.OFFICER),
    "sutton.viewer": ("E09000029", Role.VIEWER),
    "sutton.dpo": ("E09000029", Role.OFFICER),
    "merton.admin": ("E09000024", Role.ADMIN),
    "merton.officer": ("E09000024", Role.OFFICER),
    "merton.dpo": ("E09000024", Role.OFFICER),
    "reigate.officer": ("E07000211", Role.OFFICER),
    "surrey.officer": ("E10000030", Role.OFFICER),
    "met.officer": ("E23000001", Role.OFFICER),
}


@dataclass
class DemoResult:
    partnership: Partnership
    logins: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def _org(code: str) -> Organisation | None:
    return (
        Organisation.objects.filter(gss_code=code).first()
        or Organisation.objects.filter(slug=code).first()
    )


@transaction.atomic
def demo_load(*, credentials_file: Path, resident_requests: bool = True) -> DemoResult:
    """Create (or bring up to date) the demo partnership and its people. Passwords are
    made on first run and kept in `credentials_file`, outside the repository.
    `resident_requests=False` leaves out the demo resident's service requests (for tests
    of the service-request queues, which count every request)."""
    partnership, _ = Partnership.objects.update_or_create(
        slug=PARTNERSHIP_SLUG,
        defaults={
            "name": "Sutton, Merton and Surrey public services partnership",
            "description": "Councils of both tiers, police, fire, NHS and housing working through one front door.",
            "agreement_start": AGREEMENT_START,
        },
    )
    result = DemoResult(partnership=partnership)
    for body in EXTRA_BODIES:
        org, _ = Organisation.objects.update_or_create(
            slug=body.slug,
            defaults={"name": body.name, "kind": body.kind, "homepage": body.homepage},
        )
        org.areas.set(Area.objects.current().filter(**body.area_filter))
        PartnershipMember.objects.get_or_create(
            partnership=partnership,
            organisation=org,
            defaults={"role": PartnershipRole.MEMBER, "joined_on": AGREEMENT_START},
        )
    for code, partner_role in REGISTER_MEMBERS:
        member = _org(code)
        if member is None:
            result.missing.append(code)
            continue
        if code in DISPLAY_NAMES and member.name != DISPLAY_NAMES[code]:
            member.name = DISPLAY_NAMES[code]
            member.save(update_fields=["name", "updated_at"])
        PartnershipMember.objects.update_or_create(
            partnership=partnership,
            organisation=member,
            defaults={"role": partner_role, "joined_on": AGREEMENT_START},
        )

    saved: dict[str, str] = {}
    if credentials_file.exists():
        for line in credentials_file.read_text().splitlines():
            if " " in line:
                name, password = line.split(" ", 1)
                saved[name] = password
    for username, (code, role) in DEMO_PEOPLE.items():
        employer = _org(code)
        if employer is None:
            result.missing.append(code)
            continue
        user = User.objects.filter(username=username).first()
        password = saved.get(username) or ""
        if user is None or not password or not user.check_password(password):
            password = password or secrets.token_urlsafe(12)
            user = user or User(username=username)
            user.first_name = username.split(".")[0].title()
            user.last_name = str(role.label)
            user.email = f"{username}@demo.invalid"
            user.set_password(password)
            user.save()
        Membership.objects.update_or_create(
            user=user, organisation=employer, defaults={"role": role}
        )
        result.logins[username] = password
    sutton, merton = _org("E09000029"), _org("E09000024")
    if sutton is not None and merton is not None:
        resident_password = saved.get(RESIDENT_USERNAME) or secrets.token_urlsafe(12)
        demo_citizen_record_load(
            sutton=sutton,
            merton=merton,
            resident_password=resident_password,
            resident_requests=resident_requests,
        )
        resident = User.objects.get(username=RESIDENT_USERNAME)
        if not resident.check_password(resident_password):
            resident.set_password(resident_password)
            resident.save(update_fields=["password"])
        result.logins[RESIDENT_USERNAME] = resident_password
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    credentials_file.write_text("".join(f"{u} {p}\n" for u, p in result.logins.items()))
    credentials_file.chmod(0o600)
    audit_record(
        actor=None,
        action="demo.load",
        obj=partnership,
        after={"members": partnership.memberships.count(), "people": len(result.logins)},
    )
    return result
