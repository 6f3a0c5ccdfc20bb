from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from caravan.api import api

urlpatterns = [
    path("", include("caravan.core.urls")),
    path("registry/", include("caravan.registry.urls")),
    path("agreements/", include("caravan.partnerships.urls")),
    path("training/", include("caravan.training.urls")),
    path("transfer/", include("caravan.transfer.urls")),
    path("deployments/", include("caravan.deployments.urls")),
    path("teleconsult/", include("caravan.teleconsult.urls")),
    path("referrals/", include("caravan.referrals.urls")),
    path("indicators/", include("caravan.indicators.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
