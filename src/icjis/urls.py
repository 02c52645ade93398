from django.urls import path

from icjis.core.api import api

urlpatterns = [
    path("api/v1/", api.urls),
]
