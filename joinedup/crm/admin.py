"""Reference data the partnership maintains directly (categories and their retention,
privacy notices); agreements and people change only through services, so they are
read-only here."""

from django.contrib import admin

from joinedup.crm.models import DataCategory, DataSharingAgreement, PrivacyNotice


@admin.register(DataCategory)
class DataCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "retention_days", "erasure"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["organisation", "published_on", "url"]
    autocomplete_fields = ["organisation"]


@admin.register(DataSharingAgreement)
class DataSharingAgreementAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "lawful_basis", "start_date", "end_date", "review_date"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
