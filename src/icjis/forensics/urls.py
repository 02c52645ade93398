"""Staff pages of forensic expertise, mounted at the site root by icjis.urls."""

from django.urls import path

from icjis.forensics import views

app_name = "forensics"

urlpatterns = [
    path("forensics/<str:expertise_id>/", views.expertise_page, name="expertise"),
    path("forensics/<str:expertise_id>/photos/<int:n>", views.photo, name="photo"),
]
