from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.health import healthz, readyz
from config.metrics import metrics
from inspections.api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Prometheus: 404 unless METRICS_ENABLED, then only for the scraper (config/metrics.py).
    path("metrics", metrics, name="metrics"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("partners.urls")),
    path("gis/", include("gis.urls")),
    path("cases/", include("cases.urls")),
    path("inspections/", include("inspections.urls")),
    path("field/", include("inspections.field_urls")),
    path("decisions/", include("decisions.urls")),
    path("api/v1/", api.urls),
]
