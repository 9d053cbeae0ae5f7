from django.urls import URLPattern, path

from vangnet.sharing import views

app_name = "sharing"
urlpatterns: list[URLPattern] = [
    path("", views.partner_inbox, name="partner_inbox"),
    path("<int:share_id>/", views.partner_share, name="partner_share"),
]
