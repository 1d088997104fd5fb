"""The `messages` data category: the emails and text messages sent to a person, kept two
years and then anonymised (govuk_notify.person_data.MessagesProvider)."""

from django.db import migrations

TWO_YEARS = 2 * 365 + 1


def forwards(apps, schema_editor):
    apps.get_model("crm", "DataCategory").objects.update_or_create(
        code="messages",
        defaults={
            "name": "Messages sent",
            "description": "Emails and text messages sent to the person, and whether they were delivered.",
            "retention_days": TWO_YEARS,
            "erasure": "anonymise",
            "keep_reason": "",
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("crm", "DataCategory").objects.filter(code="messages").delete()


class Migration(migrations.Migration):
    dependencies = [("govuk_notify", "0002_recipient_key"), ("crm", "0002_categories_and_dpo")]

    operations = [migrations.RunPython(forwards, backwards)]
