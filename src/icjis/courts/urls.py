"""Pages of the courts (public screens and draw records; verdict documents), mounted at the
site root by icjis.urls."""

from django.urls import path

from icjis.courts import public, verdict_document

app_name = "courts"

urlpatterns = [
    path("public/hearings", public.hearings_today, name="hearings"),
    path("public/courts/<str:court>/screen", public.court_screen, name="screen"),
    path("public/courts/draws/<str:court_case>", public.draw_record, name="draw"),
    path("public/courts/draw-algorithm.py", public.draw_algorithm, name="draw_algorithm"),
    path("courts/verdicts/<str:ecli>", verdict_document.verdict_page, name="verdict"),
]
