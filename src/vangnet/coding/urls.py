from django.urls import URLPattern

app_name = "coding"
urlpatterns: list[URLPattern] = []
