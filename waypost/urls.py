from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter

from waypost.search import views as search_views
from waypost.site import views
from waypost.site.sitemaps import SITEMAPS


class SlugConverter:
    regex = "[a-z0-9]+(?:-[a-z0-9]+)*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SlugConverter, "placeslug")

urlpatterns = [
    path("", views.home, name="home"),
    path("places/", views.places, name="places"),
    path("search/", search_views.search_page, name="search"),
    path("api/", include("waypost.api.urls")),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("us/", views.states, name="states"),
    path("us/<placeslug:state>/", views.state, name="state"),
    path("us/<placeslug:state>/<placeslug:city>/", views.guide, name="guide"),
    path("coverage/", views.coverage, name="coverage"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("editors/", admin.site.urls),
]

handler404 = "waypost.site.views.not_found"
