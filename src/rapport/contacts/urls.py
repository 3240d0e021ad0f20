from django.urls import path

from rapport.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/merge/", views.merge, name="merge"),
]
