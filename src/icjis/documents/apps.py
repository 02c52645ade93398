from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "icjis.documents"
    label = "documents"
    verbose_name = "Documents and electronic signatures"

    def ready(self) -> None:
        from icjis.documents import acts, revocation  # noqa: F401
