from django.urls import path

from rapport.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/tokens/", views.create_token, name="token_create"),
    path("preferences/tokens/<int:pk>/revoke/", views.revoke_token, name="token_revoke"),
    path("language/", views.switch_language, name="language"),
    path("presence/", views.switch_presence, name="presence"),
]
