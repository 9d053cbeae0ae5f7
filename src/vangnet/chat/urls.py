from django.urls import path

from vangnet.chat import reply_views, views

app_name = "chat"
urlpatterns = [
    path("", views.console, name="console"),
    path("transcripts/<uuid:public_id>/", views.transcript, name="transcript"),
    path("chats/<uuid:public_id>/consent/", views.record_consent, name="record_consent"),
    path("replies/", reply_views.reply_list, name="saved_replies"),
    path("replies/new/", reply_views.reply_edit, name="saved_reply_new"),
    path("replies/<int:pk>/", reply_views.reply_edit, name="saved_reply_edit"),
    path("replies/<int:pk>/move/", reply_views.reply_move, name="saved_reply_move"),
    path("replies/<int:pk>/active/", reply_views.reply_activate, name="saved_reply_active"),
]
