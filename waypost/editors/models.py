"""The history of every change to a fact and to the records that show it.

The historical tables live in this app (not in each domain app), so the domain apps stay
free of workspace concerns. Each save records who (the signed-in editor, or none for a
loader or a reader's report), when, and the row as it was; old → new is read by diffing.
"""

from __future__ import annotations

from simple_history import register

from waypost.directory.models import Phone, Service
from waypost.evidence.models import Citation, Fact
from waypost.guides.models import EditorialAnswer, PlaceFact
from waypost.laws.models import Law, LawChange, LawStatement, Program

HISTORY_APP = "waypost.editors"

for _model in (Fact, Citation, Law, LawStatement, LawChange, Program, PlaceFact, Service, Phone):
    register(_model, app=HISTORY_APP)
# The stored HTML is derived from the Markdown body; the body's history says it all.
register(EditorialAnswer, app=HISTORY_APP, excluded_fields=["body_html"])
