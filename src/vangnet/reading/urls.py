from django.urls import path

from vangnet.reading import views

app_name = "reading"
urlpatterns = [
    path("transcripts/", views.transcripts, name="transcripts"),
    path("suggestions/", views.quality, name="quality"),
    path("flag/", views.flag, name="flag"),
]
