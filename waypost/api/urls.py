from django.urls import path

from waypost.api import views
from waypost.hsds import api as hsds

urlpatterns = [
    path("openapi.json", views.openapi_json, name="openapi"),
    path("", views.docs, name="api-docs"),
    path("search", views.search_api, name="api-search"),
    path("places", views.places_api, name="api-places"),
    path("places/<path:path>", views.place_api, name="api-place"),
    path("guides/<path:path>", views.guide_api, name="api-guide"),
    path("laws", views.laws_api, name="api-laws"),
    path("hsds/", hsds.root, name="hsds-root"),
    path("hsds/services", hsds.services, name="hsds-services"),
    path("hsds/services/<str:id>", hsds.service, name="hsds-service"),
    path("hsds/organizations", hsds.organizations, name="hsds-organizations"),
    path("hsds/organizations/<str:id>", hsds.organization, name="hsds-organization"),
    path("hsds/taxonomies", hsds.taxonomies, name="hsds-taxonomies"),
    path("hsds/taxonomies/<str:id>", hsds.taxonomy, name="hsds-taxonomy"),
    path("hsds/taxonomy_terms", hsds.taxonomy_terms, name="hsds-taxonomy-terms"),
    path("hsds/taxonomy_terms/<str:id>", hsds.taxonomy_term, name="hsds-taxonomy-term"),
    path("hsds/service_at_locations", hsds.service_at_locations, name="hsds-sals"),
    path("hsds/service_at_locations/<str:id>", hsds.service_at_location, name="hsds-sal"),
]
