from django.urls import include, path

from icjis.core.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("icjis.web.urls")),
]
