from django.contrib import admin

from waypost.guides.models import EditorialAnswer, PlaceFact


@admin.register(EditorialAnswer)
class EditorialAnswerAdmin(admin.ModelAdmin):
    list_display = ["place", "question", "language"]
    list_filter = ["language", "question"]
    raw_id_fields = ["place", "fact"]


@admin.register(PlaceFact)
class PlaceFactAdmin(admin.ModelAdmin):
    list_display = ["text", "place", "question"]
    raw_id_fields = ["place", "fact"]
