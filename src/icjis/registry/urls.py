"""Public (no login) pages of the register of crimes, mounted at /public/."""

from django.urls import path

from icjis.registry import receipts

app_name = "registry"

urlpatterns = [
    path("reports/<str:token>", receipts.report_status, name="report_status"),
    path("reports/<str:token>/receipt", receipts.receipt_page, name="receipt"),
    path("reports/<str:token>/receipt.pdf", receipts.receipt_pdf, name="receipt_pdf"),
]
