"""Pages of the register of protection orders, mounted at the site root by icjis.urls."""

from django.urls import path

from icjis.offences import detention_views, views

app_name = "offences"

urlpatterns = [
    path("offences/orders/", views.orders_page, name="orders"),
    path("offences/orders/<str:number>/", views.order_page, name="order"),
    path("offences/cases/", views.offences_page, name="offences"),
    path("offences/cases/<str:number>/", views.offence_page, name="offence"),
    path("offences/detentions/", detention_views.detentions_page, name="detentions"),
    path("offences/detentions/<str:number>/", detention_views.detention_page, name="detention"),
]
