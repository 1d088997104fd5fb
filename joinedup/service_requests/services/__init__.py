"""Writes to service requests. Each is atomic and audited, and takes the actor: a
resident (or nobody) for reports and reopening, an officer for case work, or an
Open311 client for what arrives through the API. Messages to residents are queued in
the same transaction (the persistent job queue), so a report that is acknowledged is
committed with everything it still has to do."""

from joinedup.service_requests.services.casework import (
    service_request_assign,
    service_request_merge,
    service_request_note_add,
    service_request_respond,
    service_request_share,
    service_request_transfer,
    service_requests_export_record,
)
from joinedup.service_requests.services.clients import service_request_update_from_client
from joinedup.service_requests.services.common import ClientRef, ReportInput, clean_contact
from joinedup.service_requests.services.messages import (
    service_request_acknowledge,
    service_request_event_notify,
)
from joinedup.service_requests.services.people import (
    service_request_person_link,
    service_request_person_unlink,
)
from joinedup.service_requests.services.reports import (
    service_request_create,
    service_request_reopen,
    service_request_support,
)

__all__ = [
    "ClientRef",
    "ReportInput",
    "clean_contact",
    "service_request_acknowledge",
    "service_request_assign",
    "service_request_create",
    "service_request_event_notify",
    "service_request_merge",
    "service_request_note_add",
    "service_request_person_link",
    "service_request_person_unlink",
    "service_request_reopen",
    "service_request_respond",
    "service_request_share",
    "service_request_support",
    "service_request_transfer",
    "service_request_update_from_client",
    "service_requests_export_record",
]
