"""The data categories agreements share and the data-protection officer capability.

Categories for modules built later (service requests, council tax, vehicles) are listed
here so agreements can name them before those modules register their providers."""

from django.db import migrations

SIX_YEARS = 6 * 365 + 2

CATEGORIES = [
    ("contact_details", "Contact details", "Name, date of birth, addresses, email addresses and phone numbers.", None, "anonymise", ""),
    ("contact_history", "Contact history", "Calls, emails, visits and letters officers have recorded.", SIX_YEARS, "anonymise", ""),
    ("consent", "Consent", "The sharing a person has agreed to, and when they withdrew.", None, "keep",
     "UK GDPR Article 7(1): the controller must be able to show that the person consented."),
    ("service_requests", "Service requests", "Reports and requests made to partners and their progress.", SIX_YEARS, "anonymise", ""),
    ("council_tax", "Council tax", "Council tax accounts, bills and payments.", None, "keep",
     "Financial records: kept under the Council Tax (Administration and Enforcement) Regulations 1992 "
     "and for audit (six years after the financial year)."),
    ("vehicles", "Vehicles", "Reports of abandoned vehicles and their keepers.", SIX_YEARS, "anonymise", ""),
]


def forwards(apps, schema_editor):
    DataCategory = apps.get_model("crm", "DataCategory")
    Capability = apps.get_model("core", "Capability")
    for code, name, description, days, rule, reason in CATEGORIES:
        DataCategory.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "retention_days": days, "erasure": rule, "keep_reason": reason},
        )
    Capability.objects.update_or_create(
        code="crm.data_protection_officer",
        defaults={
            "name": "Data-protection officer",
            "description": "Reads people's access logs, assembles subject access requests and carries out erasure for the organisation.",
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("core", "Capability").objects.filter(code="crm.data_protection_officer").delete()


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial"), ("core", "0002_security")]

    operations = [migrations.RunPython(forwards, backwards)]
