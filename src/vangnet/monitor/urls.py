from django.urls import path

from vangnet.monitor import views

app_name = "monitor"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("report/", views.yearly_report, name="report"),
    path("threshold/", views.threshold, name="threshold"),
]
