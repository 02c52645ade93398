"""Staff pages at the site root (the API lives under /api/v1/)."""

from django.urls import path
from django.views.i18n import set_language

from icjis.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("language/", set_language, name="set_language"),
    path("cases/<str:number>/", views.case_page, name="case"),
]
