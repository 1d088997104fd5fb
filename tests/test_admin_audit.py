"""The admin site shows superusers personal data: every admin registered for a model that
holds it must be built on `core.admin.AuditedReadAdmin`, so each page showing its rows is
an audited read. Models of the shared citizen record, council tax and residents' accounts
are not in the admin at all (they change only through services); if one is added, it
must be audited too."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

from joinedup.core.admin import AuditedReadAdmin

# Models that hold personal data, whether or not the admin has them today.
PERSONAL_DATA_MODELS = {
    "core.user",
    "core.auditevent",
    "accounts.residentaccount",
    "crm.person",
    "crm.contactpoint",
    "crm.address",
    "crm.contactevent",
    "crm.consent",
    "crm.personholding",
    "crm.personmerge",
    "crm.erasurerequest",
    "crm.subjectaccessrequest",
    "service_requests.servicerequest",
    "service_requests.requestevent",
    "service_requests.supporter",
    "service_requests.photo",
    "council_tax.account",
    "council_tax.liableperson",
    "council_tax.findattempt",
    "govuk_notify.notifymessage",
    "payments.payment",
    "govuk_pay_sandbox.sandboxpayment",
}
# Field names that mean a model holds personal data, for models added later.
PERSONAL_FIELDS = {
    "email",
    "phone",
    "recipient",
    "given_name",
    "family_name",
    "first_name",
    "last_name",
    "date_of_birth",
    "card_details",
}


def test_the_list_names_real_models():
    labels = {m._meta.label_lower for m in apps.get_models()}
    assert sorted(PERSONAL_DATA_MODELS - labels) == []


def _holds_personal_data(model) -> bool:
    if model._meta.label_lower in PERSONAL_DATA_MODELS:
        return True
    return any(f.name in PERSONAL_FIELDS for f in model._meta.get_fields())


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if _holds_personal_data(m)],
    ids=lambda m: m._meta.label_lower,
)
def test_every_admin_of_personal_data_records_its_reads(model):
    assert isinstance(admin.site._registry[model], AuditedReadAdmin)


def test_no_admin_shows_personal_data_in_an_inline_of_an_unaudited_admin():
    for model, model_admin in admin.site._registry.items():
        for inline in model_admin.inlines:
            if _holds_personal_data(inline.model):
                assert isinstance(model_admin, AuditedReadAdmin), (model, inline)


def test_the_admins_that_show_personal_data_today_are_audited():
    registered = {m._meta.label_lower for m in admin.site._registry if _holds_personal_data(m)}
    assert {
        "core.user",
        "core.auditevent",
        "service_requests.servicerequest",
        "govuk_notify.notifymessage",
        "payments.payment",
        "govuk_pay_sandbox.sandboxpayment",
    } <= registered
