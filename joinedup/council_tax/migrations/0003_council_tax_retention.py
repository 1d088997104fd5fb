"""The council tax category's retention: financial records are kept six years after the
financial year they belong to (Council Tax (Administration and Enforcement) Regulations
1992 and audit), then anonymised by council_tax.providers.CouncilTaxProvider.expire."""

from django.db import migrations

SIX_YEARS = 6 * 365 + 2


def forwards(apps, schema_editor):
    apps.get_model("crm", "DataCategory").objects.filter(code="council_tax").update(
        retention_days=SIX_YEARS
    )


def backwards(apps, schema_editor):
    apps.get_model("crm", "DataCategory").objects.filter(code="council_tax").update(
        retention_days=None
    )


class Migration(migrations.Migration):
    dependencies = [("council_tax", "0002_liable_person_link"), ("crm", "0002_categories_and_dpo")]

    operations = [migrations.RunPython(forwards, backwards)]
