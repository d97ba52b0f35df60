from django.urls import path  # noqa: F401

app_name = "cases"

# Each feature adds its routes here: signals, subjects, case files, network, meetings.
urlpatterns: list = []
