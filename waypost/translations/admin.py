from django.contrib import admin

from waypost.translations.models import Translation


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    list_display = ["language", "source", "text"]
    list_filter = ["language"]
    search_fields = ["source", "text"]
