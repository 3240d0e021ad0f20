from django.urls import path

from rapport.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.contact, name="contact"),
    path("thanks/", views.thanks, name="thanks"),
    path("access/<str:token>/", views.access, name="access"),
    path("login/", views.request_link, name="request_link"),
    path("logout/", views.logout, name="logout"),
    path("language/", views.language, name="language"),
    path("tickets/", views.tickets, name="tickets"),
    path("tickets/<int:number>/", views.ticket, name="ticket"),
    path("attachments/<str:public_id>/", views.attachment, name="attachment"),
]
