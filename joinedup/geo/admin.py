from django.contrib.gis import admin

from joinedup.geo.models import Area, Postcode


@admin.register(Area)
class AreaAdmin(admin.GISModelAdmin):
    list_display = ["name", "type", "gss", "valid_from", "valid_to", "successor"]
    list_filter = ["type"]
    search_fields = ["name", "gss"]
    raw_id_fields = ["parent", "successor"]


@admin.register(Postcode)
class PostcodeAdmin(admin.GISModelAdmin):
    list_display = ["postcode", "council", "ward", "police", "terminated"]
    search_fields = ["postcode"]
