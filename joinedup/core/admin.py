"""The admin site's sign-in, the core models' admins, and `AuditedReadAdmin`: the base of
every admin that shows personal data, so each page of it that shows rows is an audited
read like any officer page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from joinedup.core.audit import audit_read, audit_record
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


ADMIN_PURPOSE = "Administering the platform (Django admin)"


class AuditedReadAdmin(admin.ModelAdmin):
    """A ModelAdmin for a model that holds personal data. Put it first among the bases
    (`class MyAdmin(AuditedReadAdmin, UserAdmin)`); every page that shows its rows records
    who looked, at what, and why:

    - a change page (read-only or not), the delete confirmation and the history page:
      `personal_data.read` against `audit_subject(obj)` (the row, or the person in the
      shared citizen record it belongs to, so it is in their access log), for the
      organisation that holds the row (`audit_organisation`: a superuser acts for none);
    - the list, and the confirmation of an action on selected rows:
      `personal_data.search` against the model, with the search words, the filters and
      the id of every row on the page.

    Nothing is recorded when the page does not show the rows (a redirect after saving, an
    id that does not exist). Set `audit_category` to the data category of the rows (the
    shared citizen record's code where there is one)."""

    audit_category: str = ""

    def audit_subject(self, obj: models.Model) -> models.Model:
        """What the read is recorded against."""
        return obj

    def audit_organisation(self, obj: models.Model) -> Organisation | None:
        """The organisation that holds the row."""
        organisation = getattr(obj, "organisation", None)
        return organisation if isinstance(organisation, Organisation) else None

    def _category(self) -> str:
        return self.audit_category or self.model._meta.label_lower

    def _record_object(self, request: HttpRequest, response: HttpResponse, page: str, key: str):
        if not isinstance(response, TemplateResponse) or response.status_code != 200:
            return
        obj = (response.context_data or {}).get(key)
        if not isinstance(obj, self.model):
            return
        organisation = self.audit_organisation(obj)
        audit_read(
            actor=request.user,
            obj=self.audit_subject(obj),
            organisation=organisation,
            purpose=ADMIN_PURPOSE,
            shown=[
                {
                    "category": self._category(),
                    "organisation": organisation.pk if organisation else None,
                    "agreement": None,
                    "basis": "admin",
                    "object_type": obj._meta.label_lower,
                    "object_id": str(obj.pk),
                    "page": page,
                }
            ],
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_object(request, response, "change", "original")
        return response

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().delete_view(request, object_id, extra_context)
        self._record_object(request, response, "delete", "object")
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._record_object(request, response, "history", "object")
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if not isinstance(response, TemplateResponse) or response.status_code != 200:
            return response
        context = response.context_data or {}
        changelist = context.get("cl")
        if changelist is not None:
            rows, page, query = changelist.result_list, "list", changelist.query
        elif context.get("queryset") is not None:  # an action's confirmation page
            rows, page, query = context["queryset"], "action", ""
        else:
            return response
        audit_record(
            actor=request.user,
            action="personal_data.search",
            object_type=self.model._meta.label_lower,
            object_id="",
            organisation=None,
            after={
                "purpose": ADMIN_PURPOSE,
                "category": self._category(),
                "page": page,
                "query": query,
                "filters": request.GET.urlencode()[:500],
                "ids": [str(obj.pk) for obj in rows],
            },
        )
        return response


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class JoinedupUserAdmin(AuditedReadAdmin, UserAdmin):
    """Accounts hold names and email addresses (a resident's username is their email)."""

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
class AuditEventAdmin(AuditedReadAdmin):
    """Read-only: the audit log is append-only, even for superusers. Its before and after
    snapshots hold people's names, so reading it is an audited read too."""

    audit_category = "audit_log"

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
