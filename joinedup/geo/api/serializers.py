"""Schemas of the MapIt responses (for the OpenAPI document) and the GeoJSON output."""

from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from joinedup.geo.models import Area


class ErrorSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    error = serializers.CharField()
    details = serializers.DictField(required=False)


class MapItAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    parent_area = serializers.IntegerField(allow_null=True)
    type = serializers.CharField()
    type_name = serializers.CharField()
    country = serializers.CharField()
    country_name = serializers.CharField()
    generation_low = serializers.IntegerField()
    generation_high = serializers.IntegerField()
    codes = serializers.DictField(child=serializers.CharField())
    all_names = serializers.DictField()


class MapItPostcodeSerializer(serializers.Serializer):
    postcode = serializers.CharField()
    wgs84_lat = serializers.FloatField(allow_null=True)
    wgs84_lon = serializers.FloatField(allow_null=True)
    coordsyst = serializers.CharField()
    usertype = serializers.CharField()
    terminated = serializers.CharField(allow_null=True)
    areas = serializers.DictField(child=MapItAreaSerializer())
    shortcuts = serializers.DictField()


class AreaGeoJSONSerializer(GeoFeatureModelSerializer):
    class Meta:
        model = Area
        geo_field = "geometry"
        fields = ["id", "name", "type", "gss"]
