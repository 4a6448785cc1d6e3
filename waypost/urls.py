from django.contrib import admin
from django.urls import path, register_converter

from waypost.site import views


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
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
    path("us/<placeslug:state>/<placeslug:city>/", views.guide, name="guide"),
    path("editors/", admin.site.urls),
]

handler404 = "waypost.site.views.not_found"
