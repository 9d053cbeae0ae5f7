from django.urls import path

from vangnet.guide import views

app_name = "guide"
urlpatterns = [
    path("", views.home, name="home"),
    path("parents/", views.audience, {"audience": "parents"}, name="audience_parents"),
    path("young-people/", views.audience, {"audience": "young"}, name="audience_young"),
    path(
        "professionals/",
        views.audience,
        {"audience": "professionals"},
        name="audience_professionals",
    ),
    path("self-check/parents/", views.self_check, {"check": "parents"}, name="parent_check"),
    path("self-check/young-people/", views.self_check, {"check": "young"}, name="young_check"),
    path("help/", views.directory, name="directory"),
    path("privacy/", views.privacy, name="privacy"),
    path("info/<slug:slug>/", views.page, name="page"),
]
