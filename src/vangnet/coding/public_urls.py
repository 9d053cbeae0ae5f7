from django.urls import path

from vangnet.coding import public_views

app_name = "coding_public"
urlpatterns = [
    path("", public_views.visitor_feedback, name="feedback"),
]
