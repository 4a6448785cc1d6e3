from django.conf.urls.i18n import i18n_patterns
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

# Reader pages in every language: /us/ct/norwalk/ in English, /es/us/ct/norwalk/ in Spanish.
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("places/", views.places, name="places"),
    path("search/", search_views.search_page, name="search"),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("us/", views.states, name="states"),
    path("us/<placeslug:state>/", views.state, name="state"),
    path("us/<placeslug:state>/<placeslug:city>/", views.guide, name="guide"),
    path("us/<placeslug:state>/<placeslug:city>/card/", views.card, name="card"),
    path("us/<placeslug:state>/<placeslug:city>/card.pdf", views.card_pdf, name="card-pdf"),
    path("browse-safely/", views.browse_safely, name="browse-safely"),
    path("coverage/", views.coverage, name="coverage"),
    prefix_default_language=False,
)
urlpatterns += [
    # The API speaks JSON, the same in every language.
    path("api/", include("waypost.api.urls")),
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
