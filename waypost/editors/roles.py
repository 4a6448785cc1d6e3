"""The three roles as groups with permissions: editor, moderator, admin.

- editor: keeps the data true (places, laws, directory, guides, sources, checks), handles
  problem reports, reads comments and replies as the site; deletes nothing that readers'
  pages are built on (facts, sources, places).
- moderator: approves, rejects or marks comments as spam; nothing else.
- admin: everything editors and moderators do, plus accounts and unlocking sign-ins.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

EDITOR = "editor"
MODERATOR = "moderator"
ADMIN = "admin"

CRUD = ("add", "change", "view", "delete")
KEEP = ("add", "change", "view")

# app label → {model: actions}
EDITOR_RIGHTS: dict[str, dict[str, tuple[str, ...]]] = {
    "places": {"place": KEEP, "placealias": CRUD, "zipcode": KEEP},
    "evidence": {"source": KEEP, "fact": KEEP, "citation": CRUD, "check": ("add", "view")},
    "laws": {"law": CRUD, "lawstatement": CRUD, "lawchange": CRUD, "program": CRUD},
    "directory": {
        model: CRUD
        for model in (
            "organization",
            "service",
            "location",
            "address",
            "serviceatlocation",
            "phone",
            "schedule",
            "servicearea",
            "servicelanguage",
        )
    }
    | {"taxonomy": ("view",), "taxonomyterm": ("view",)},
    "guides": {"editorialanswer": CRUD, "placefact": CRUD},
    "reports": {"problemreport": ("view", "change")},
    # Changing a comment lets an editor post a reply from its page; every field of a
    # comment is read-only there, and moderating needs the moderator's right.
    "comments": {"comment": ("view", "change"), "reply": ("add", "view")},
}
MODERATOR_RIGHTS: dict[str, dict[str, tuple[str, ...]]] = {
    "comments": {"comment": ("view", "change", "moderate"), "reply": ("view",)},
}
ADMIN_EXTRA: dict[str, dict[str, tuple[str, ...]]] = {
    "auth": {"user": CRUD, "group": ("view",)},
    "comments": {"comment": ("delete",), "reply": ("change", "delete")},
    "reports": {"problemreport": ("delete",)},
    "evidence": {"fact": ("delete",), "source": ("delete",), "check": ("change", "delete")},
}


def _codenames(rights: dict[str, dict[str, tuple[str, ...]]]) -> set[tuple[str, str]]:
    return {
        (app, f"{action}_{model}")
        for app, models in rights.items()
        for model, actions in models.items()
        for action in actions
    }


def role_rights() -> dict[str, set[tuple[str, str]]]:
    editor = _codenames(EDITOR_RIGHTS)
    moderator = _codenames(MODERATOR_RIGHTS)
    history = {
        ("editors", f"view_historical{m}")
        for m in (
            "fact",
            "citation",
            "law",
            "lawstatement",
            "lawchange",
            "program",
            "placefact",
            "service",
            "phone",
            "editorialanswer",
        )
    }
    admin = editor | moderator | history | _codenames(ADMIN_EXTRA)
    return {EDITOR: editor | history, MODERATOR: moderator, ADMIN: admin}


def ensure_roles(**kwargs: Any) -> None:
    """Create or update the three groups. Idempotent; run after every migrate."""
    # Permissions are made by another post_migrate handler that may not have run yet.
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0)
    by_key = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type")
    }
    for name, rights in role_rights().items():
        missing = sorted(f"{a}.{c}" for a, c in rights if (a, c) not in by_key)
        if missing:
            raise RuntimeError(f"role {name}: unknown permissions {', '.join(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([by_key[key] for key in rights])
