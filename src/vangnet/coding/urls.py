from django.urls import path

from vangnet.coding import views

app_name = "coding"
urlpatterns = [
    path("", views.my_contacts, name="mine"),
    path("register/", views.register, name="register"),
    path("not-codeable/", views.not_codeable, name="not_codeable"),
    path("contacts/<int:pk>/", views.correct, name="correct"),
]
