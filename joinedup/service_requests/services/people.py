"""Linking a request to the person who made it in the shared citizen record, by an
officer of the organisation that has the request (a signed-in resident's own reports are
linked when they are made)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from joinedup.core.audit import audit_record
from joinedup.crm import selectors as crm_selectors
from joinedup.crm.models import Person
from joinedup.crm.services import person_holding_ensure
from joinedup.service_requests.models import ServiceRequest
from joinedup.service_requests.services.common import _lock_for_officer


@transaction.atomic
def service_request_person_link(
    *, actor, request: ServiceRequest, person: Person
) -> ServiceRequest:
    """Link the request to a person the officer can see in the shared citizen record. The
    request then shows on their record (for the officer's organisation, and for partners
    an agreement shares service requests with) and in the resident's own account, and the
    organisation holds the person."""
    request = _lock_for_officer(actor, request)
    # Only someone the officer may see: the same 404 as for a person who does not exist.
    person = crm_selectors.person_get(actor=actor, public_id=person.public_id)
    if request.person_id in person.identity_ids():
        return request
    if request.person_id is not None:
        raise ValidationError(
            {"person": [_("This request is already linked to someone else. Unlink it first.")]}
        )
    if request.anonymised_at is not None:
        raise ValidationError(
            {"person": [_("The reporter's details on this request have been erased.")]}
        )
    request.person = person
    request.save(update_fields=["person"])
    person_holding_ensure(actor=actor, person=person, organisation=request.organisation)
    audit_record(
        actor=actor,
        action="service_request.person.link",
        obj=request,
        organisation=request.organisation,
        before={"person": None},
        after={"person": str(person.public_id)},
    )
    return request


@transaction.atomic
def service_request_person_unlink(*, actor, request: ServiceRequest) -> ServiceRequest:
    """Undo a link made in error: the request no longer shows on the person's record or
    in their account. The organisation goes on holding the person (it may hold other
    records of them)."""
    request = _lock_for_officer(actor, request)
    if request.person_id is None:
        return request
    before = Person.objects.filter(pk=request.person_id).values_list("public_id", flat=True).first()
    request.person = None
    request.save(update_fields=["person"])
    audit_record(
        actor=actor,
        action="service_request.person.unlink",
        obj=request,
        organisation=request.organisation,
        before={"person": str(before) if before else None},
        after={"person": None},
    )
    return request
