from django.urls import include, path

from icjis.analytics.api import router as analytics_router
from icjis.core.api import api
from icjis.courts.api import router as courts_router
from icjis.detention.api import router as detention_router
from icjis.dispatch.api import router as dispatch_router
from icjis.documents.api import router as documents_router
from icjis.evidence.api import router as evidence_router
from icjis.exchange.api import router as exchange_router
from icjis.fines.api import router as fines_router
from icjis.forensics.api import router as forensics_router
from icjis.legalaid.api import router as legalaid_router
from icjis.offences.api import router as offences_router
from icjis.prisons.api import router as prisons_router
from icjis.probation.api import router as probation_router
from icjis.registry.api import router as registry_router

for router in (
    registry_router,
    detention_router,
    legalaid_router,
    courts_router,
    prisons_router,
    probation_router,
    fines_router,
    offences_router,
    documents_router,
    evidence_router,
    forensics_router,
    analytics_router,
    dispatch_router,
    exchange_router,
):
    api.add_router("/", router)

urlpatterns = [
    path("api/v1/", api.urls),
    path("public/documents/", include("icjis.documents.urls")),
    path("public/", include("icjis.registry.urls")),
    path("", include("icjis.courts.urls")),
    path("", include("icjis.offences.urls")),
    path("", include("icjis.evidence.urls")),
    path("", include("icjis.forensics.urls")),
    path("", include("icjis.analytics.urls")),
    path("", include("icjis.dispatch.urls")),
    path("", include("icjis.field.urls")),
    path("", include("icjis.web.urls")),
]
