"""Pages of a field node, mounted at the site root by icjis.urls (404 on any other install)."""

from django.urls import path

from icjis.field import views

app_name = "field"

urlpatterns = [
    path("field/", views.journal, name="journal"),
    path("field/acts/<str:kind>/", views.record_act, name="record"),
    path("field/send/", views.send_now, name="send"),
]
