from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "icjis.web"
    label = "web"
    verbose_name = "Web pages"
