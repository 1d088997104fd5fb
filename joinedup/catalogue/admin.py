from django.contrib import admin

from joinedup.catalogue.models import Provision, Service, SynonymGroup


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "lgsl", "name", "tier"]
    search_fields = ["code", "name", "name_cy"]
    list_filter = ["tier"]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ["language", "__str__"]


@admin.register(Provision)
class ProvisionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "service", "mode", "flow", "preferred"]
    list_filter = ["mode", "preferred"]
    autocomplete_fields = ["service"]
    raw_id_fields = ["organisation", "areas"]
