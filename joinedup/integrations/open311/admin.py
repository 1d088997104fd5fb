from django.contrib import admin

from joinedup.integrations.open311.models import Open311Client


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Keys are issued with `manage.py open311_issue_key`; here they can only be seen."""

    list_display = ["name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["organisation", "name", "prefix", "digest", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False
