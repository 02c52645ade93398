"""Staff pages at the site root (the API lives under /api/v1/), and the public portal."""

from django.urls import path

from icjis.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("queues/<str:key>/", views.queue_fragment, name="queue"),
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("cases/<str:number>/acts/<str:kind>/", views.act_on_case, name="act"),
    path("acts/<str:kind>/", views.act_new, name="act_new"),
    path("persons/", views.person_search, name="persons"),
    path("persons/<str:person_id>/", views.person_page, name="person"),
    path("audit/persons/<str:person_id>/", views.person_views, name="person_views"),
    path("feedback/", views.feedback_send, name="feedback"),
    path("feedback/list/", views.feedback_list, name="feedback_list"),
    path("feedback/mine/", views.feedback_mine, name="feedback_mine"),
    path("public/", views.portal, name="portal"),
    path("public/verify/", views.verify_document, name="verify"),
    path("public/feedback/", views.public_feedback, name="public_feedback"),
]
