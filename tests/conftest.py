"""Test set-up: the demo data set, loaded once per session by the same loader as `make run`."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from waypost.datasets.demo import load_demo


@pytest.fixture(scope="session", autouse=True)
def _static_files_without_collectstatic() -> Iterator[None]:
    """Pages render without a prior `collectstatic`: the manifest storage needs its output.

    The browser tests run a real server that collects static files itself.
    """
    from django.conf import settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # WhiteNoise warns at start-up when STATIC_ROOT is missing; tests serve from the apps.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    with override_settings(STORAGES=storages, WHITENOISE_USE_FINDERS=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _configuration_is_sound() -> None:
    """The suite runs only on a configuration `manage.py` would start with (system checks)."""
    from django.core.management import call_command

    call_command("check", fail_level="ERROR", stdout=StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    # Without the national data sets even where WAYPOST_DATASETS_DIR names them (CI): the
    # tests are written against the demo's own data, and import small files of their own.
    with django_db_blocker.unblock():
        load_demo(datasets=False)
    yield


@pytest.fixture
def norwalk_ct(db: Any) -> Any:
    from waypost.places.models import Place

    return Place.objects.get(path="us/ct/norwalk")


@pytest.fixture
def norwalk_ca(db: Any) -> Any:
    from waypost.places.models import Place

    return Place.objects.get(path="us/ca/norwalk")


@pytest.fixture(autouse=True)
def _a_cache_of_its_own(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with an empty cache, in memory: what one test cached (a card PDF) is
    not another's, and tests never fill the var folder's cache."""
    from django.core.cache import caches

    each = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"{alias}:{request.node.nodeid}",
        }
        for alias in ("default", "pdf", "shared")
    }
    with override_settings(CACHES=each):
        yield
        for alias in each:
            caches[alias].clear()


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """A request to /es/ leaves Spanish active in its thread; code run by a test outside a
    request (get_absolute_url, say) must start from the default language."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


# -- staff accounts, one per role (editors' workspace, moderation) ---------------------

ROLE_NAMES = ("editor", "moderator", "admin")


@pytest.fixture
def staff(db: Any) -> dict[str, Any]:
    """One staff account per role (the groups exist after migrate), keyed by role."""
    from django.contrib.auth.models import Group, User

    users = {}
    for role in ROLE_NAMES:
        user = User.objects.create(username=f"{role}1", is_staff=True)
        user.groups.set([Group.objects.get(name=role)])
        users[role] = user
    return users


@pytest.fixture
def as_role(client: Any, staff: dict[str, Any]) -> Any:
    """A function giving a test client signed in as a role ("reader": signed out)."""
    from django.test import Client

    def make(role: str) -> Client:
        c = Client()
        if role != "reader":
            c.force_login(staff[role])
        return c

    return make


# -- a site on a database file of its own (tests/sitedb.py) -----------------------------


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty Waypost database file, migrated once by `manage.py migrate`."""
    from tests.sitedb import DATABASE, manage

    var_dir = tmp_path_factory.mktemp("migrated")
    done = manage(var_dir, "migrate", "--noinput", "-v0")
    assert done.returncode == 0, done.stderr
    return var_dir / DATABASE


@pytest.fixture
def site_var(migrated_sqlite: Path, tmp_path: Path) -> Path:
    """The var folder of a site of its own, its database a copy of the migrated one."""
    from tests.sitedb import DATABASE, copy_database

    var_dir = tmp_path / "site"
    var_dir.mkdir()
    copy_database(migrated_sqlite, var_dir / DATABASE)
    return var_dir
