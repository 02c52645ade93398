from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "icjis.exchange"
    label = "exchange"
    verbose_name = "Signed message exchange with other agencies"

    def ready(self) -> None:
        from icjis.exchange import acts, demo  # noqa: F401
