from django.contrib import admin

from waypost.evidence.admin import OptionalFactInline, OwnsFactAdmin
from waypost.laws.models import Law, LawChange, LawStatement, Program


class StatementInline(OptionalFactInline, admin.StackedInline):
    model = LawStatement
    extra = 0
    raw_id_fields = ["fact"]


@admin.register(Law)
class LawAdmin(OwnsFactAdmin):
    list_display = ["citation", "title", "jurisdiction", "effective_from", "effective_to"]
    list_filter = ["jurisdiction__state_code"]
    search_fields = ["citation", "title", "statements__summary"]
    raw_id_fields = ["jurisdiction"]
    inlines = [StatementInline]


@admin.register(LawChange)
class LawChangeAdmin(OwnsFactAdmin):
    list_display = ["bill", "name", "jurisdiction", "signed_on", "effective_on"]
    search_fields = ["bill", "name", "change"]
    raw_id_fields = ["jurisdiction", "fact"]
    filter_horizontal = ["laws"]


@admin.register(Program)
class ProgramAdmin(OwnsFactAdmin):
    list_display = ["title", "kind", "jurisdiction", "citation"]
    list_filter = ["kind"]
    search_fields = ["title", "citation", "summary"]
    raw_id_fields = ["jurisdiction", "fact"]
