from django.contrib import admin

from joinedup.core.admin import AuditedReadAdmin
from joinedup.payments.models import LedgerAccount, LedgerTransaction, Payment, ReconciliationReport


@admin.register(LedgerAccount)
class LedgerAccountAdmin(admin.ModelAdmin):
    list_display = ["organisation", "code", "name", "kind"]
    search_fields = ["code", "name"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "organisation", "kind", "description", "provider_payment_id"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(AuditedReadAdmin):
    """A payment holds the payer's email address: audited reads."""

    list_display = ["created_at", "organisation", "reference", "amount_pence", "status"]
    list_filter = ["status"]
    search_fields = ["reference", "provider_payment_id"]
    readonly_fields = [f.name for f in Payment._meta.fields]


admin.site.register(ReconciliationReport)
