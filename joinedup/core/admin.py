from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin

from joinedup.core.forms import SignInForm
from joinedup.core.models import (
    AuditEvent,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    User,
)


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin site's sign-in, throttled and locked out like every other."""


# The admin's own sign-in page would otherwise be a way round the lockout.
admin.site.login_form = AdminSignInForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class JoinedupUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "gss_code", "start_date", "end_date", "successor"]
    list_filter = ["kind"]
    search_fields = ["name", "gss_code", "slug"]
    raw_id_fields = ["parent", "successor"]
    filter_horizontal = ["areas"]


class PartnershipMemberInline(admin.TabularInline):
    model = PartnershipMember
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "agreement_start", "agreement_end"]
    inlines = [PartnershipMemberInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, even for superusers."""

    list_display = [
        "at",
        "actor_label",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "source",
    ]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
