from django.contrib import admin

from joinedup.integrations.govuk_notify.models import NotifyMessage


@admin.register(NotifyMessage)
class NotifyMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "template_name", "status", "provider"]
    list_filter = ["status", "kind", "template_name"]
    readonly_fields = [f.name for f in NotifyMessage._meta.fields]
