from django.urls import path

from vangnet.chat import views

app_name = "chat_public"
urlpatterns = [
    path("", views.visitor_chat, name="chat"),
    path("status/", views.chat_status, name="status"),
    path("quick-exit/", views.quick_exit, name="quick_exit"),
]
