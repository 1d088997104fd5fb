from django.contrib import admin

from joinedup.core.admin import AuditedReadAdmin
from joinedup.integrations.govuk_notify.models import NotifyMessage


@admin.register(NotifyMessage)
class NotifyMessageAdmin(AuditedReadAdmin):
    """Messages show their recipients and what was said to them: audited reads."""

    audit_category = "messages"
    list_display = ["created_at", "kind", "recipient", "template_name", "status", "provider"]
    list_filter = ["status", "kind", "template_name"]
    readonly_fields = [f.name for f in NotifyMessage._meta.fields]
