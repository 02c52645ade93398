"""Pages of the statistics, mounted at the site root by icjis.urls."""

from django.urls import path

from icjis.analytics import views

app_name = "analytics"

urlpatterns = [
    path("statistics/", views.statistics_page, name="statistics"),
    path("public/statistics/", views.public_statistics, name="public"),
    path(
        "public/statistics/<str:period>.<str:fmt>",
        views.public_download,
        name="public_download",
    ),
]
