from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter

from waypost.comments import views as comment_views
from waypost.editors import views as editor_views
from waypost.relief import views as relief_views
from waypost.reports import views as report_views
from waypost.search import views as search_views
from waypost.site import feed_views, views
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
    # Law-change feeds and pages; before the guide, whose city slug would match "what-changed".
    path("us/what-changed/", feed_views.what_changed, name="changes-us"),
    path("us/changes.atom", feed_views.atom, name="changes-us-atom"),
    path("us/changes.json", feed_views.json_feed_view, name="changes-us-json"),
    path("us/<placeslug:state>/what-changed/", feed_views.what_changed, name="changes-state"),
    path("us/<placeslug:state>/changes.atom", feed_views.atom, name="changes-state-atom"),
    path("us/<placeslug:state>/changes.json", feed_views.json_feed_view, name="changes-state-json"),
    path(
        "us/<placeslug:state>/<placeslug:city>/changes.atom",
        feed_views.atom,
        name="changes-city-atom",
    ),
    path(
        "us/<placeslug:state>/<placeslug:city>/changes.json",
        feed_views.json_feed_view,
        name="changes-city-json",
    ),
    path("us/<placeslug:state>/record-relief/", relief_views.record_relief, name="relief-state"),
    path("us/<placeslug:state>/", views.state, name="state"),
    path("us/<placeslug:state>/<placeslug:city>/", views.guide, name="guide"),
    path("us/<placeslug:state>/<placeslug:city>/card/", views.card, name="card"),
    path(
        "us/<placeslug:state>/<placeslug:city>/record-relief/",
        relief_views.record_relief,
        name="relief-city",
    ),
    path("us/<placeslug:state>/<placeslug:city>/card.pdf", views.card_pdf, name="card-pdf"),
    path("browse-safely/", views.browse_safely, name="browse-safely"),
    path(
        "us/<placeslug:state>/<placeslug:city>/comment/",
        comment_views.comment,
        name="comment",
    ),
    path(
        "us/<placeslug:state>/<placeslug:city>/comments/",
        comment_views.comments,
        name="comments",
    ),
    path("report/<int:fact_id>/", report_views.report, name="report"),
    path("coverage/", views.coverage, name="coverage"),
    prefix_default_language=False,
)
urlpatterns += [
    path("healthz", views.healthz, name="healthz"),
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
    path("editors/queue/", editor_views.recheck_queue, name="recheck-queue"),
    path("editors/", admin.site.urls),
]

# Pages in the reader's language with the quick exit; JSON under /api/.
handler404 = "waypost.site.views.not_found"
handler500 = "waypost.site.views.server_error"
