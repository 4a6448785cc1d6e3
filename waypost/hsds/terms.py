"""HSDS taxonomies and taxonomy terms, mapped onto Waypost's category tree and attributes.

A term of Waypost's own taxonomies (named `waypost-categories` / `waypost-attributes`, or
carrying their ids) is the Waypost term with the same code, so data exported here and
imported elsewhere comes back to the same categories. Any other taxonomy is kept as it is, as
a taxonomy of its own. Taxonomies are small, so every term is kept in memory while importing.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import TYPE_CHECKING

from waypost.directory.models import Taxonomy, TaxonomyTerm
from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY
from waypost.hsds.values import HsdsId, show_id

if TYPE_CHECKING:
    from waypost.hsds.writer import Row

# A term whose taxonomy is named nowhere joins this one.
UNNAMED_TAXONOMY = "imported"


class TermMap:
    def __init__(self, notes: Counter[str]) -> None:
        self.notes = notes
        self.attribute_taxonomy = Taxonomy.objects.get(name=ATTRIBUTE_TAXONOMY).pk
        self.waypost_taxonomies = set(
            Taxonomy.objects.filter(name__in=[CATEGORY_TAXONOMY, ATTRIBUTE_TAXONOMY]).values_list(
                "pk", flat=True
            )
        )
        self.taxonomies: dict[HsdsId, int] = {
            hsds_id.hex: pk for hsds_id, pk in Taxonomy.objects.values_list("hsds_id", "pk")
        }
        self.by_id: dict[HsdsId, tuple[int, bool]] = {
            hsds_id.hex: (pk, taxonomy == self.attribute_taxonomy)
            for hsds_id, pk, taxonomy in TaxonomyTerm.objects.values_list(
                "hsds_id", "pk", "taxonomy_id"
            )
        }
        self.seen_taxonomies: dict[HsdsId, str] = {}
        self.seen_terms: dict[HsdsId, str] = {}
        self.pending_parents: list[tuple[int, HsdsId, Row]] = []

    def taxonomy(self, row: Row, *, strict: bool = True) -> int:
        self._once(self.seen_taxonomies, row, strict)
        values = row.values
        fields = {k: values.get(k) or "" for k in ("description", "uri", "version")}
        pk = self.taxonomies.get(row.id)
        if pk is None:
            named = Taxonomy.objects.filter(name=values["name"]).first()
            if named is not None:
                # The same taxonomy under another id (Waypost's own, most often): one taxonomy.
                self.taxonomies[row.id] = named.pk
                return named.pk
            pk = Taxonomy.objects.create(hsds_id=row.id, name=values["name"], **fields).pk
            self.taxonomies[row.id] = pk
        elif pk not in self.waypost_taxonomies:
            Taxonomy.objects.filter(pk=pk).update(name=values["name"], **fields)
        return pk

    def term(self, row: Row, *, strict: bool = True) -> tuple[int, bool]:
        self._once(self.seen_terms, row, strict)
        values = row.values
        taxonomy = self._taxonomy_of(row)
        code = values.get("code") or ""
        fields = {
            "name": values["name"],
            "description": values.get("description") or "",
            "language": values.get("language") or "",
            "term_uri": values.get("term_uri") or "",
        }
        known = self.by_id.get(row.id)
        if known is None and taxonomy in self.waypost_taxonomies:
            match = TaxonomyTerm.objects.filter(taxonomy_id=taxonomy, code=code).first()
            if match is None:
                raise row.error(
                    "code",
                    f"{code!r} is not a term of Waypost's taxonomy {taxonomy_name(taxonomy)}",
                )
            known = (match.pk, taxonomy == self.attribute_taxonomy)
        elif known is None:
            clash = TaxonomyTerm.objects.filter(taxonomy_id=taxonomy, code=code).exclude(code="")
            if clash.exists():
                raise row.error("code", f"{code!r} is used by another term of this taxonomy")
            term = TaxonomyTerm.objects.create(
                hsds_id=row.id, taxonomy_id=taxonomy, code=code, **fields
            )
            known = (term.pk, taxonomy == self.attribute_taxonomy)
        elif taxonomy not in self.waypost_taxonomies:
            TaxonomyTerm.objects.filter(pk=known[0]).update(
                taxonomy_id=taxonomy, code=code, **fields
            )
        self.by_id[row.id] = known
        parent = values.get("parent_id")
        if parent is not None and taxonomy not in self.waypost_taxonomies:
            self.pending_parents.append((known[0], parent, row))
        return known

    def finish(self) -> None:
        """Parents are set last: a term may come before its parent."""
        for pk, parent, _row in self.pending_parents:
            if parent in self.by_id:
                TaxonomyTerm.objects.filter(pk=pk).update(parent_id=self.by_id[parent][0])
            else:
                self.notes["parent_id naming a term that is not there (left empty)"] += 1
        self.pending_parents = []

    def _taxonomy_of(self, row: Row) -> int:
        detail = row.extra.get("taxonomy_detail")
        if detail is not None:
            return self.taxonomy(detail, strict=False)
        taxonomy_id = row.values.get("taxonomy_id")
        name = row.values.get("taxonomy") or ""
        if taxonomy_id in self.taxonomies:
            return self.taxonomies[taxonomy_id]
        named = Taxonomy.objects.filter(name=name or UNNAMED_TAXONOMY).first()
        if named is not None:
            if taxonomy_id is not None:
                self.taxonomies[taxonomy_id] = named.pk
            return named.pk
        # The taxonomy is named by id or by word only: keep both so the term exports as it came.
        created = Taxonomy.objects.create(
            hsds_id=taxonomy_id or uuid.uuid4(), name=name or UNNAMED_TAXONOMY
        )
        if taxonomy_id is not None:
            self.taxonomies[taxonomy_id] = created.pk
        return created.pk

    def _once(self, seen: dict[HsdsId, str], row: Row, strict: bool) -> None:
        where = f"{row.file} {row.record}"
        if strict and row.id in seen and seen[row.id] != "":
            raise row.error("id", f"duplicate id {show_id(row.id)} (also at {seen[row.id]})")
        if strict:
            seen[row.id] = where
        else:
            seen.setdefault(row.id, "")


def taxonomy_name(pk: int) -> str:
    return Taxonomy.objects.get(pk=pk).name
