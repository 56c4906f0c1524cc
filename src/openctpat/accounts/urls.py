from django.contrib.auth import views as auth_views
from django.urls import path

from openctpat.core.routes import urls_of

from . import resources, views

app_name = "accounts"
# Django's sign-in and password views are classes; every other page declares its route.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    *urls_of(app_name, resources, views),
]
