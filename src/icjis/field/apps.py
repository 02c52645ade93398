from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "icjis.field"
    label = "field"
    verbose_name = "Field node: acts recorded offline and sent when the link returns"
