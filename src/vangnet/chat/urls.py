from django.urls import path

from vangnet.chat import views

app_name = "chat"
urlpatterns = [
    path("", views.console, name="console"),
    path("transcripts/<uuid:public_id>/", views.transcript, name="transcript"),
    path("chats/<uuid:public_id>/consent/", views.record_consent, name="record_consent"),
]
