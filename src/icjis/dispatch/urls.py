"""Pages of the dispatch centre, mounted at the site root by icjis.urls."""

from django.urls import path

from icjis.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("dispatch/", views.board, name="board"),
    path("dispatch/incidents/<str:number>/", views.incident_page, name="incident"),
]
