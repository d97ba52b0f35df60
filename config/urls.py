from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from inspections.api import api


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers, and the no-op floor of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("partners.urls")),
    path("gis/", include("gis.urls")),
    path("inspections/", include("inspections.urls")),
    path("field/", include("inspections.field_urls")),
    path("decisions/", include("decisions.urls")),
    path("api/v1/", api.urls),
]
