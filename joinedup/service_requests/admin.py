from django.contrib import admin

from joinedup.core.admin import AuditedReadAdmin
from joinedup.service_requests.models import (
    BankHoliday,
    Question,
    RequestEvent,
    RequestType,
    ServiceLevel,
    ServiceRequest,
    Team,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin):
    list_display = ["service", "group", "working_days", "anonymous_allowed", "active"]
    inlines = [QuestionInline]


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["organisation", "request_type", "working_days"]


@admin.register(BankHoliday)
class BankHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "division"]
    list_filter = ["division"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]


class EventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    readonly_fields = (
        "kind",
        "public",
        "text",
        "status_before",
        "status_after",
        "actor_label",
        "created_at",
    )
    fields = readonly_fields


@admin.register(ServiceRequest)
class ServiceRequestAdmin(AuditedReadAdmin):
    """Read-only: case work goes through the back office, which records history. The page
    shows who reported it (name, email, phone): each view is an audited read, against the
    person in the shared citizen record when the request is linked to one."""

    audit_category = "service_requests"

    list_display = ["id", "service", "organisation", "status", "requested_at", "due_at"]
    list_filter = ["status", "channel"]
    inlines = [EventInline]

    def audit_subject(self, obj):
        return obj.person if obj.person_id is not None else obj

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
