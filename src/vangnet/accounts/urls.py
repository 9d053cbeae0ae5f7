from django.urls import path

from vangnet.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("", views.home, name="home"),
    path("access-log/", views.access_log, name="access_log"),
    path("role-changes/", views.role_changes, name="role_changes"),
]
