"""Staff pages of material evidence, mounted at the site root by icjis.urls."""

from django.urls import path

from icjis.evidence import views

app_name = "evidence"

urlpatterns = [
    path("evidence/<str:item_id>/", views.item_page, name="item"),
]
