from django.urls import path

from khedmat.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("signup/verify/", views.signup_verify, name="signup-verify"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify, name="login-verify"),
    path("login/code/", views.login_code, name="login-code"),
    path("login/code/verify/", views.login_code_verify, name="login-code-verify"),
    path("logout/", views.logout_view, name="logout"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/verify/", views.password_reset_verify, name="password-reset-verify"),
    path("authenticator/", views.totp_setup, name="totp-setup"),
]
