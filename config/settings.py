"""Settings of the round-table portal.

Everything that differs between machines comes from the environment: DATABASE_URL, REDIS_URL,
SECRET_KEY, DEBUG, ALLOWED_HOSTS, and for letters EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or EMAIL_USE_SSL, DEFAULT_FROM_EMAIL.

Production (DEBUG=0, or SECRET_KEY given without DEBUG) needs SECRET_KEY and DATABASE_URL and
refuses to start without them; its defaults are the safe ones (no hosts allowed). Development
(DEBUG=1, or neither DEBUG nor SECRET_KEY given in a checkout that has its local cluster, made by
`make demo` or `scripts/portal db-start`) finds that cluster and the local Redis by itself.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from config.local_services import (
    local_database_url,
    local_postgres_exists,
    local_postgres_running,
    local_redis_socket,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def refuse(problem):
    """Stop with one line on standard error and status 1, not a traceback: manage.py, gunicorn
    (config/gunicorn.conf.py reads the settings first) and a WSGI server show it as it is."""
    raise SystemExit(f"error: {problem}")


DEBUG = env_flag("DEBUG", default=not os.environ.get("SECRET_KEY") and local_postgres_exists())

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        refuse(
            "Set SECRET_KEY in the environment for production (see README.md, Settings), "
            "or DEBUG=1 for development."
        )
    SECRET_KEY = "development-only-" + "x" * 50

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or (["127.0.0.1", "localhost"] if DEBUG else [])

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    if not DEBUG:
        refuse("Set DATABASE_URL (postgres://user@host/name) in the environment for production.")
    if not local_postgres_running():
        refuse(
            "Set DATABASE_URL, or start this checkout's PostgreSQL: bash scripts/portal db-start"
        )
    DATABASE_URL = local_database_url()
# Connections are kept between requests (CONN_MAX_AGE seconds) and checked before reuse, so a
# restarted database costs each process one failed check, not a restart of the server; while it is
# down, a connection attempt gives up after DATABASE_CONNECT_TIMEOUT seconds and the page says the
# site is unavailable (portal/outages.py).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60)),
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", 3))
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # /sitemap.xml (its template); the sitemaps live with the data they list.
    "django.contrib.sitemaps",
    "rest_framework",
    # API tokens for organisers' tools: created and revoked by superusers in the admin.
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    # Swagger UI's scripts and styles served from here, not from a CDN.
    "drf_spectacular_sidecar",
    "adminsortable2",
    # Sign-in throttling: failed attempts are kept in the database (see Security below).
    "axes",
    # The site's machinery and the printing every app shares, then the domain apps, then the
    # importers above them (DESIGN.md).
    "portal",
    "typesetting",
    "roundtable",
    "speakers",
    "participants",
    "proceedings",
    "resolutions",
    "imports",
    # After the project's apps, so that portal's db_worker (it waits out database outages)
    # is the one manage.py runs.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: static files need no policy, pages do.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Next: a cached public page skips the rest, and still gets the security headers above.
    "portal.page_cache.PublicPageCacheMiddleware",
    # Inside the page cache, so that a Latin page is converted once and kept converted.
    "portal.kazakh_latin_pages.KazakhLatinPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The friendly 503 page when a view finds the database down.
    "portal.outages.DatabaseOutageMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # {{ csp_nonce }}: the admin's inline <style> and scripts carry it.
                "django.template.context_processors.csp",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -----------------------------------------------------------------------------------
# Kazakh first, Russian second (the fallback for missing Kazakh text), English for visitors.
LANGUAGE_CODE = "kk"
# The languages texts are written in: a column each (modeltranslation), a paper's language.
WRITTEN_LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
# The site's: those, and Kazakh in the Latin alphabet of 2021 (/kk-latn/), the Kazakh pages
# converted on the way out (portal/kazakh_latin_pages.py).
LANGUAGES = [WRITTEN_LANGUAGES[0], ("kk-latn", "Qazaqşa"), *WRITTEN_LANGUAGES[1:]]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django ships no formats for kk, and en's "May 23, 2025" is not how the programme prints dates.
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"

MODELTRANSLATION_DEFAULT_LANGUAGE = "kk"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in WRITTEN_LANGUAGES)
# kk-latn is none of them: modeltranslation reads a page in it as kk (its primary subtag).
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ru", "kk"), "ru": ("kk",)}
# modeltranslation's tabbed admin loads jQuery UI from a CDN by default; serve our own copy.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Uploaded papers: outside MEDIA_ROOT and without a URL; only a permission-checking view
    # serves them.
    "papers": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("PAPERS_ROOT", BASE_DIR / "var" / "papers"),
            "base_url": None,
        },
    },
    # Typeset certificates of participation: served only through their owner's private link
    # and the admin (participants/certificate_views.py).
    "certificates": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("CERTIFICATES_ROOT", BASE_DIR / "var" / "certificates"),
            "base_url": None,
        },
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

# --- Papers --------------------------------------------------------------------------------------
# Uploads larger than this are cut off while they stream in (proceedings/uploads.py).
PAPER_UPLOAD_MAX_BYTES = int(os.environ.get("PAPER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
# A DOCX is a zip: these bound what it unpacks to, against archive bombs.
PAPER_DOCX_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
PAPER_DOCX_MAX_ENTRIES = 2000
# Pixels of the pictures in a DOCX, against picture bombs (proceedings/pictures.py): a whole
# page at 300 dpi is about 6 megapixels. A PNG of 40 decodes to about 120–160 MB and takes 1–3 s
# to scale down to print size; the limit for all together bounds the conversion's time.
PAPER_IMAGE_MAX_PIXELS = 40_000_000
PAPER_IMAGES_MAX_PIXELS = 200_000_000
# Typeset papers of the proceedings book, kept by a hash of what they are made from, so that a
# rebuild typesets only what changed (proceedings/book.py). Safe to delete at any time.
BOOK_CACHE_DIR = Path(os.environ.get("BOOK_CACHE_DIR", BASE_DIR / "var" / "book-cache"))
# Parts no build has used for this long are deleted by the next build.
BOOK_CACHE_MAX_AGE = timedelta(days=float(os.environ.get("BOOK_CACHE_MAX_AGE_DAYS", 30)))

# --- Background tasks ----------------------------------------------------------------------------
# Book builds run as django.tasks tasks (proceedings/builds.py). The default backend keeps the queue
# in PostgreSQL (django-tasks-db); its worker is `manage.py db_worker`, which `make demo` starts
# beside the web server. A larger installation changes the backend, not the code: TASKS_BACKEND
# names another django.tasks backend class (a Celery or RQ one, installed with its own worker),
# and a settings module that imports this one may give it OPTIONS. With
# "django.tasks.backends.immediate.ImmediateBackend" builds run inside the request, no worker.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A queued build that no worker has taken up for this long is marked failed when someone asks for
# a new one or for its status; seconds.
BOOK_BUILD_STALE_AFTER = int(os.environ.get("BOOK_BUILD_STALE_AFTER", 15 * 60))
# A running build's worker notes that it lives this often (seconds); after three missed beats (its
# worker was killed) the build is marked failed the same way (proceedings/builds.py).
BOOK_BUILD_HEARTBEAT = int(os.environ.get("BOOK_BUILD_HEARTBEAT", 10))

# --- Accounts ------------------------------------------------------------------------------------
# Speakers sign in with their e-mail address; organisers also with their user name.
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a locked-out name and address, whichever backend would
    # have checked the password.
    "axes.backends.AxesStandaloneBackend",
    "speakers.backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
# After signing in without a `next` page, and after accepting an invitation: the speaker's papers.
LOGIN_REDIRECT_URL = "proceedings:my_papers"
LOGOUT_REDIRECT_URL = "roundtable:home"
# How long links work: an invitation's (set the first password), a reset letter's.
INVITATION_TIMEOUT = 14 * 24 * 60 * 60
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60

# --- E-mail --------------------------------------------------------------------------------------
# The SMTP server comes from the environment (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or EMAIL_USE_SSL); without EMAIL_HOST, development prints
# letters on the console. Django 6.1 configures mailers in MAILERS, not in EMAIL_* settings.
# (The tests replace every mailer with Django's in-memory outbox.)
if DEBUG and not os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                # Without EMAIL_PORT: 25, or 587 with TLS, 465 with SSL.
                "port": int(os.environ["EMAIL_PORT"]) if os.environ.get("EMAIL_PORT") else None,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_flag("EMAIL_USE_TLS"),
                "use_ssl": env_flag("EMAIL_USE_SSL"),
                # Seconds: a stuck server fails the attempt instead of holding up the worker.
                "timeout": 30,
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# Letters (invitations, decisions on papers) are sent by a background task (speakers/letters.py).
# When the mail server fails, the letter is tried again after each of these delays, in seconds;
# after the last, organisers see it as not sent in the admin's Letters and may send it again.
LETTER_RETRY_DELAYS = [
    int(seconds) for seconds in env_list("LETTER_RETRY_DELAYS") or [60, 300, 1800, 7200]
]
# Where the portal is reached from outside: links in letters written without a request at hand
# (a paper's decision is written by review.move).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# `manage.py remind_deadlines` (run daily by cron) reminds speakers whose paper is still a draft
# or in revision this many days before the round table's deadline for papers, once per deadline.
PAPER_REMINDER_DAYS = int(os.environ.get("PAPER_REMINDER_DAYS", 3))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Crossref deposits of the proceedings (their Crossref XML, from the admin): the DOI prefix that
# Crossref assigned to the publisher, e.g. 10.12345 (none yet: the admin says so), and who deposits
# (by default the collection's publisher, at DEFAULT_FROM_EMAIL).
CROSSREF_DOI_PREFIX = os.environ.get("CROSSREF_DOI_PREFIX", "").strip().rstrip("/")
CROSSREF_DEPOSITOR = os.environ.get("CROSSREF_DEPOSITOR", "")
CROSSREF_DEPOSITOR_EMAIL = os.environ.get("CROSSREF_DEPOSITOR_EMAIL", DEFAULT_FROM_EMAIL)
# The eLibrary (RSCI) export of the proceedings (from the admin): the number eLibrary gave the
# collection, its "titleid" (none yet: the admin says so).
ELIBRARY_TITLE_ID = os.environ.get("ELIBRARY_TITLE_ID", "").strip()

# --- Security ------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No script reads the cookies: forms carry the CSRF token, the upload script takes it from its form.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form gets the portal's page in the visitor's language (JSON under /api/).
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
if not DEBUG:
    # Behind the reverse proxy, which terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # HSTS: a year by default; SECURE_HSTS_SECONDS=300 while trying a new host name out.
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (Django's ContentSecurityPolicyMiddleware). Scripts come only from this
# site's static files: the portal's templates have no inline script or event handler, and the
# admin's few inline blocks carry the request's nonce (`{% csp_nonce_attr %}`). Styles likewise:
# no template has a style attribute, and scripts set styles through the DOM, which CSP allows.
# Public pages, cached whole (portal/page_cache.py), must never use the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # data: for the icons that the admin's and Swagger UI's style sheets inline.
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features the portal never uses, switched off for it and anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Sign-in throttling (django-axes), on the speakers' sign-in page and the admin's alike. Failures
# count against the account the typed name or e-mail signs in as (speakers/backends.py), however
# it was typed: after AXES_FAILURE_LIMIT of them, from any address, the account is refused for
# AXES_COOLOFF_TIME; and one address failing AXES_ADDRESS_FAILURE_LIMIT times, on any accounts,
# is refused as long (portal/throttling.py, with a page that says so). A successful sign-in
# clears its account's count; `manage.py axes_reset` lifts every lock at once.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", 20))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "portal.throttling.SignInFailures"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.throttling.locked_out"
# The client's address: REMOTE_ADDR, or behind REVERSE_PROXY_COUNT proxies (the reverse proxy in
# front of gunicorn: 1) the address they appended to X-Forwarded-For.
REVERSE_PROXY_COUNT = int(os.environ.get("REVERSE_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "portal.throttling.client_address"
AXES_USERNAME_CALLABLE = "speakers.backends.sign_in_name"

# Rate limits (django-ratelimit, counting in the shared cache, CACHES below, so a limit holds
# across processes and servers): uploads of paper versions, previews of papers (the page, and the
# PDF typeset anew each time) and builds of the proceedings book per user; password-reset letters
# per e-mail address typed (whether or not an account has it) and per client address. "30/h" is
# 30 an hour. (django_ratelimit is not in INSTALLED_APPS: its system check knows Django's
# RedisCache, not our subclass of it.)
# While the cache is unreachable the limits are not applied (fail open): they guard signed-in
# speakers' and organisers' costly requests against excess, not the site against strangers, and
# refusing every upload with "too often" during a cache outage, maybe on the eve of the deadline,
# would hurt more than a few minutes without a limit. Sign-in lockouts do not depend on the cache:
# django-axes keeps failures in the database.
RATELIMIT_FAIL_OPEN = True
UPLOAD_RATE_LIMIT = os.environ.get("UPLOAD_RATE_LIMIT", "30/h")
# Registrations for round tables sent from one address (participants/views.py).
REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "20/h")
# Days a registration nobody confirmed (and its confirmation link) is kept after its last letter;
# `manage.py forget_unconfirmed_registrations` (run daily by cron) then deletes it with its letters.
REGISTRATION_UNCONFIRMED_DAYS = int(os.environ.get("REGISTRATION_UNCONFIRMED_DAYS", 14))
PREVIEW_RATE_LIMIT = os.environ.get("PREVIEW_RATE_LIMIT", "120/h")
BOOK_BUILD_RATE_LIMIT = os.environ.get("BOOK_BUILD_RATE_LIMIT", "10/h")
PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "3/h")
PASSWORD_RESET_CLIENT_RATE_LIMIT = os.environ.get("PASSWORD_RESET_CLIENT_RATE_LIMIT", "10/h")
# Certificate numbers checked on /verify/<number> per client address (pages from the cache are
# not counted): enough for a hall of people scanning their own, useless for guessing numbers.
CERTIFICATE_VERIFY_RATE_LIMIT = os.environ.get("CERTIFICATE_VERIFY_RATE_LIMIT", "30/m")

# --- API ---------------------------------------------------------------------------------------
# /api/v1/ (config/api_urls.py): reading published data is public; writing takes an organiser's
# permissions on the model, through a token (the admin's "Tokens") or the admin's session.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api_permissions.ReadOpenWriteByModelPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # The API's viewsets (portal/api_viewsets.py) set their own pages and schema.
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Round-table portal API",
    "DESCRIPTION": (
        "Round tables, their programmes, people, papers, proceedings and resolutions. "
        "Translated fields are objects {kk, ru, en}; `?lang=` gives each as one string."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Programme items and papers share the languages' choices: one enum in the schema.
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": WRITTEN_LANGUAGES},
}

# A cached public page reads the round tables' data versions, one query, at most once per this many
# seconds per process: anonymous visitors see an edit within that time (the process that made the
# edit, and signed-in users, see it at once). 0 reads them for every page.
PAGE_CACHE_FRESHNESS = float(os.environ.get("PAGE_CACHE_FRESHNESS", 1))
# Each process keeps the pages it served last in its own memory, up to this many bytes, in front of
# the default cache (a shared Redis then costs a hit no round trip): 32 MiB by default.
PAGE_CACHE_MEMORY_BYTES = int(os.environ.get("PAGE_CACHE_MEMORY_BYTES", 32 * 1024 * 1024))


# One cache for the whole site, in Redis (portal/shared_cache.py): rate-limit counters (atomic
# INCR), and public pages, feeds and API answers, cached under keys that hold the round tables'
# data versions (portal/versions.py), so an entry is never stale and needs no invalidation.
# REDIS_URL (redis://host:6379/0, rediss://…, unix:///path?db=0) names a Redis of the site's; by
# default the local one. Reads and writes give up after a second; while Redis is unreachable pages
# are made without it, and each process tries it again every RETRY_AFTER seconds. Keys begin with
# the database's name: two databases on one Redis (the demo and the load benchmark's copy of it,
# two sites) never read each other's entries, whose keys hold only ids and data versions.
REDIS_URL = os.environ.get("REDIS_URL") or f"unix://{local_redis_socket()}"
CACHES = {
    "default": {
        "BACKEND": "portal.shared_cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": DATABASES["default"]["NAME"],
        "TIMEOUT": 60 * 60,
        "RETRY_AFTER": 5,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

# The group that organisers belong to; created with its permissions by a data migration.
ORGANISERS_GROUP = "Organisers"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
