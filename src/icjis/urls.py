from django.urls import include, path

from icjis.core.api import api
from icjis.registry.api import router as registry_router

api.add_router("/", registry_router)

urlpatterns = [
    path("api/v1/", api.urls),
    path("public/", include("icjis.registry.urls")),
    path("", include("icjis.web.urls")),
]
