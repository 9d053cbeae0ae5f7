from django.urls import path

from vangnet.chat import views

app_name = "chat"
urlpatterns = [
    path("", views.console, name="console"),
    path("transcripts/<uuid:public_id>/", views.transcript, name="transcript"),
]
