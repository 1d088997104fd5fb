from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "joinedup.geo"
    label = "geo"
    verbose_name = "Geography: areas and postcodes"
