"""The public check of documents, mounted at /public/documents/ by icjis.urls."""

from django.urls import path

from icjis.documents import views

app_name = "documents"

urlpatterns = [
    path("<str:code>/", views.verify, name="verify"),
]
