"""Pages of the register of protection orders, mounted at the site root by icjis.urls."""

from django.urls import path

from icjis.offences import views

app_name = "offences"

urlpatterns = [
    path("offences/orders/", views.orders_page, name="orders"),
    path("offences/orders/<str:number>/", views.order_page, name="order"),
    path("offences/cases/", views.offences_page, name="offences"),
    path("offences/cases/<str:number>/", views.offence_page, name="offence"),
]
