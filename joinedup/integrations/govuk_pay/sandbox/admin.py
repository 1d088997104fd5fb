from django.contrib import admin

from joinedup.core.admin import AuditedReadAdmin
from joinedup.integrations.govuk_pay.sandbox.models import SandboxAccount, SandboxPayment


@admin.register(SandboxAccount)
class SandboxAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "api_key_hint", "webhook_url", "created_at"]
    exclude = ["api_key_hash", "webhook_signing_secret"]


@admin.register(SandboxPayment)
class SandboxPaymentAdmin(AuditedReadAdmin):
    """The sandbox keeps what a payer typed (email, card details) as GOV.UK Pay would."""

    list_display = ["payment_id", "reference", "amount", "status", "created_date"]
    list_filter = ["status"]
    search_fields = ["payment_id", "reference"]
