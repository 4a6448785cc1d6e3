"""Waypost settings: one module, driven by environment variables, runnable with none set.

Every variable is read through `env` (waypost/config.py): a malformed value is recorded in
`SETTINGS_PROBLEMS` and stops start-up through a system check, never read as a guess.
"""

import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from waypost.config import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.path("WAYPOST_VAR_DIR", BASE_DIR / "var")


def _secret_key() -> str:
    # A laptop run needs no configuration, yet the key must not live in the repository:
    # generate one on first start and keep it beside the database.
    if key := env.optional_text("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _database(default_url: str) -> dict[str, Any]:
    url = env.text("DATABASE_URL", default_url)
    conn_max_age = env.integer("DB_CONN_MAX_AGE", 60)
    try:
        # A kept connection is checked before a request uses it: after the database restarts,
        # the next request reconnects instead of failing.
        return dict(dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True))
    except Exception as exc:  # dj-database-url raises several kinds for a bad URL
        # The address may hold a password: name the variable and the reason only.
        env.problems.append(f"DATABASE_URL is not a database address ({exc.__class__.__name__})")
        return dict(dj_database_url.parse(default_url, conn_max_age=conn_max_age))


DEBUG = env.flag("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.items("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    # First, so its admin/base_site.html (the editors' site, accessible) is the one used.
    "waypost.site",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "waypost.dataversion",
    "waypost.translations",
    "simple_history",
    "waypost.places",
    "waypost.evidence",
    "waypost.laws",
    "waypost.directory",
    "waypost.search",
    "waypost.api",
    "waypost.guides",
    "waypost.datasets",
    "waypost.safeguards",
    "waypost.reports",
    "waypost.relief",
    "waypost.comments",
    "waypost.editors",
    "waypost.hsds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "waypost.site.middleware.PrivacyHeadersMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # After GZip, so that the ETag is that of the page, not of its compressed bytes.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sessions and CSRF only set a cookie when a form or a login needs one:
    # a reader who only reads gets none (tested).
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL alone (/es/...; English has no prefix). Nothing
    # remembers it: no cookie, no session (tested).
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known (its 400 and 404 pages are in it), before any view.
    "waypost.site.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "waypost.safeguards.csrf.NoReferrerCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Names the signed-in editor on each change to a fact (editors' history).
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "waypost.urls"
WSGI_APPLICATION = "waypost.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "waypost.site.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": _database(f"sqlite:///{VAR_DIR / 'waypost.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Write-ahead log: readers never block the writer nor the writer the readers, so a
            # long read (an export streaming every service, a backup) no longer makes a
            # comment post wait for it and fail. The mode is stored in the file; asking again
            # on each connection costs nothing and converts a file made before.
            # A national directory is one to two gigabytes: a larger page cache and memory-mapped
            # reads keep a search from re-reading the same index pages through system calls. The
            # map is the system's file cache, shared by every worker, not memory of each; at
            # 500,000 services, mapping 2 GB rather than 256 MB took about 2 ms off a search's
            # p95 (bench/national.py).
            "init_command": (
                "PRAGMA journal_mode = WAL; "
                f"PRAGMA cache_size = -{env.integer('SQLITE_CACHE_MB', 64) * 1024}; "
                f"PRAGMA mmap_size = {env.integer('SQLITE_MMAP_MB', 2048) * 1024 * 1024};"
            ),
            # A transaction that reads before it writes (a rate limit, a moderation) would,
            # begun deferred, fail at once with "database is locked" when another connection
            # committed since its read: SQLite cannot wait there without losing the snapshot.
            # Begun IMMEDIATE, it takes the write lock first, so writers queue instead. Reads
            # outside transaction.atomic() (every page) take no lock at all; a long read inside
            # one would hold writers back, so none is written that way.
            "transaction_mode": "IMMEDIATE",
            # How long a writer waits for the one before it (5 s by default). A page's write
            # takes milliseconds; an import holds the lock throughout, and a write waiting
            # longer than this for it still fails.
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default" holds rendered reader pages (waypost/site/pagecache.py), each under the data
# version, so a page is never served after a change to what it shows. Each process's memory
# unless WAYPOST_CACHE_URL names another backend. Entries are small (a guide is about 60 KB);
# an old version's pages are never asked for again and go as the cache culls.
PAGE_CACHE: dict[str, object] = {**env.cache("WAYPOST_CACHE_URL"), "TIMEOUT": 24 * 3600}
SHARED_CACHE = PAGE_CACHE["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
if not SHARED_CACHE:
    PAGE_CACHE["OPTIONS"] = {"MAX_ENTRIES": 2000}
# "shared" holds rows that many pages show alike (a state's laws with their sources, a
# hotline with its phones: waypost/guides/shared.py), also under the data version. Apart
# from the pages: a page not yet rendered still finds them. A national directory's services
# are one entry each.
SHARED_ROWS_CACHE: dict[str, object] = (
    {**PAGE_CACHE, "KEY_PREFIX": "shared"}
    if PAGE_CACHE["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
    else {**PAGE_CACHE, "LOCATION": "shared", "OPTIONS": {"MAX_ENTRIES": 10000}}
)
CACHES: dict[str, dict[str, object]] = {
    "default": PAGE_CACHE,
    "shared": SHARED_ROWS_CACHE,
    # Card PDFs (waypost/site/pdf.py): in the shared Redis cache when there is one (a card
    # made by one app server is not made again by the others), else files under
    # VAR_DIR/cache, shared by the worker processes of one machine. A card carries the day
    # it is printed, so a stored one is of use for a day; 5,000 of them take about 70 MB.
    "pdf": (
        {**PAGE_CACHE, "KEY_PREFIX": "pdf"}
        if SHARED_CACHE
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "waypost" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000

# Privacy: no referrer leaves the site; cookies that do get set (editors only) stay first-party.
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
# The CSRF cookie is set only by a page with a form (comment, report, editors' login) and
# ends with the browser session: nothing of it outlives the visit.
CSRF_COOKIE_AGE = None
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "waypost.safeguards.views.csrf_failure"
SESSION_COOKIE_SECURE = env.flag(
    "SECURE_COOKIES", not DEBUG and env.optional_text("DATABASE_URL") is not None
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Served over HTTPS by a reverse proxy that ends TLS (deploy/nginx/): gunicorn trusts its
# X-Forwarded-Proto (deploy/gunicorn.conf.py), so requests read as secure; plain HTTP is
# redirected, browsers are told to use HTTPS only, and cookies never travel unencrypted.
# /healthz answers over plain HTTP too, for a check made on the machine itself.
HTTPS = env.flag("WAYPOST_HTTPS", False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.integer("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.flag("HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = [
    # Django's check looks for its CSRF middleware by name; Waypost's is a subclass of it
    # (safeguards/csrf.py), every check of it kept.
    "security.W003",
    # Joining the browsers' preload list is hard to undo (months): the operator's decision,
    # made with HSTS_PRELOAD, not a warning on every deploy check.
    *([] if env.flag("HSTS_PRELOAD", False) else ["security.W021"]),
]
# The proxy in front (its addresses, comma-separated) names the reader's address in
# X-Real-IP: behind it, every request comes from the proxy, and the per-client limits on
# comments, reports and sign-ins would count every reader as one.
TRUSTED_PROXIES = frozenset(env.items("WAYPOST_TRUSTED_PROXIES", ""))
# How long a browser and a shared cache (the proxy's micro-cache) may keep a reader page
# that carries nothing of one person (site/middleware.py); editors' changes show within it.
READER_PAGE_MAX_AGE = env.integer("READER_PAGE_MAX_AGE", 300)
SHARED_CACHE_MAX_AGE = env.integer("SHARED_CACHE_MAX_AGE", 10)

# Editors' passwords: argon2 first; the others only read hashes made before the switch.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = ["waypost.safeguards.lockout.LockoutBackend"]
LOGIN_URL = "/editors/login/"
# Sign-in limits (safeguards/lockout.py): this many attempts within the window lock an account
# for the client that made them, and LOGIN_CLIENT_LIMIT attempts lock the client whatever
# the account.
LOGIN_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_CLIENT_LIMIT = env.integer("LOGIN_CLIENT_LIMIT", 20, minimum=1)
LOGIN_LOCKOUT_MINUTES = env.integer("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions are short and end with the browser: a shared or lost device stays signed in
# for hours at most.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 4 * 60 * 60
# Readers' comments and problem reports per client per hour; the client is known only by a
# keyed hash of its address, whose key of the day lives in CLIENT_KEY_DIR, outside the
# database and its backups, and is deleted the next day (safeguards/keys.py).
CLIENT_KEY_DIR = env.path("WAYPOST_CLIENT_KEY_DIR", VAR_DIR / "client-keys")
COMMENTS_PER_HOUR = env.integer("COMMENTS_PER_HOUR", 10, minimum=1)
REPORTS_PER_HOUR = env.integer("REPORTS_PER_HOUR", 20, minimum=1)
# E-mail addresses and contacts readers leave are erased this many days after moderation.
CONTACT_RETENTION_DAYS = env.integer("CONTACT_RETENTION_DAYS", 30, minimum=1)
# The link checker introduces itself with this user agent.
LINK_CHECK_USER_AGENT = env.text(
    "LINK_CHECK_USER_AGENT",
    "WaypostLinkChecker/1.0 (checks that cited sources still answer; one request per link)",
)

# Where the quick-exit control sends a reader: an ordinary, neutral page.
QUICK_EXIT_URL = env.text("QUICK_EXIT_URL", "https://www.google.com/search?q=weather")
# A fact checked longer ago than this is shown as due for a re-check.
CHECK_VALID_DAYS = env.integer("CHECK_VALID_DAYS", 365, minimum=1)
# How far from a city the guide looks for services, in miles.
NEARBY_RADIUS_MI = env.decimal("NEARBY_RADIUS_MI", 60.0, minimum=1.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The request logger would write client addresses; Waypost stores none.
    "filters": {"no_client_address": {"()": "waypost.logfilters.NoClientAddress"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_client_address"]}},
    "loggers": {
        "django.server": {"handlers": [], "propagate": False},
        "django": {"handlers": ["console"], "level": "WARNING"},
    },
}

# The official Open Referral HSDS 3.1 files (schemas and examples), for the tests that compare
# Waypost's output with them. Reference only: Waypost's own checks need nothing outside the
# repository, and the tests that need these files are skipped, saying why, when it is unset.
HSDS_REFERENCE_DIR = env.optional_path("WAYPOST_HSDS_REFERENCE_DIR")

# A folder of public national data set files (HRSA health center sites, hospitals, LSC legal
# aid programs, as their publishers offer them) that `load_demo` imports after the demo's own
# data; unset, the demo has none. Other people's files: never copied into the repository.
DATASETS_DIR = env.optional_path("WAYPOST_DATASETS_DIR")

# Read last: every problem found while reading the settings above, for the system check.
SETTINGS_PROBLEMS = tuple(env.problems)
