from django.urls import path

from core import views

# No namespace: these names were site-wide before the notifications moved here.
urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("imports/<int:pk>/", views.import_run_detail, name="import_run_detail"),
    path("imports/<int:pk>/progress/", views.import_run_progress, name="import_run_progress"),
    path("lists/<str:key>/preference/", views.list_preference, name="list_preference"),
]
