"""Boards that read the records directly (issue 9): composition and the cross-cutting board."""

from django.urls import path

from targets.boards import views

app_name = "boards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("composition/", views.composition, name="composition"),
]
