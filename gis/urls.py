from django.urls import path  # noqa: F401 - the gis pages add their routes here

urlpatterns: list = []
