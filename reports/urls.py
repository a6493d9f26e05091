"""Report runs (/reports/)."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("new/", views.run_create, name="run_create"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("<int:pk>/download/<str:format>/", views.run_download, name="run_download"),
    path("<int:pk>/issue/", views.run_issue, name="run_issue"),
    path("<int:pk>/retry/", views.run_retry, name="run_retry"),
    path("<int:pk>/submitted/", views.run_mark_submitted, name="run_mark_submitted"),
]
