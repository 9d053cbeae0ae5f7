from django.urls import path

from vangnet.monitor import views

app_name = "monitor"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("projects/", views.projects, name="projects"),
    path("projects/approvals/", views.project_approvals, name="project_approvals"),
    path("projects/<int:pk>/approve/", views.approve_project, name="approve_project"),
    path("projects/<int:pk>/export/", views.project_export, name="project_export"),
    path("report/", views.yearly_report, name="report"),
    path("threshold/", views.threshold, name="threshold"),
]
