"""Public (no login) pages of the register of crimes, mounted at /public/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
