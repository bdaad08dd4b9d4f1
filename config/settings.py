"""Kring settings, read from the environment.

With no variables set, Kring runs on its embedded defaults: SQLite, the in-memory
channel layer, a local-memory cache and e-mail to the console, with DEBUG on.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to Redis for the channel layer
and the cache. With ``DEBUG=false`` the production hardening below applies and
``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets generic admin and form classes be subscripted at run time, as mypy sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-kring-0123456789abcdef"  # noqa: S105  (used only with DEBUG on)
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The one public address and name of this Kring: the Django and Wagtail Sites, mail links,
# Message-IDs and the API's base URL are all derived from these two (accounts/sites.py).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Kring")

INSTALLED_APPS = [
    "daphne",
    # Kring's apps first: their templates and translations win over allauth's, Wagtail's
    # and Django's own where they share a name or a msgid.
    "core",  # shared ground floor: the text rule's pre_save check (core/text.py)
    "frontend",
    "accounts",
    "notifications",
    "forum",
    "realtime",
    "mentoring",
    "knowledge_base",
    "digests",
    "passport",
    "monitoring",
    "meetings",
    "api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.postgres",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
]
# Demo content (``manage.py seed_demo``) is a dev-only app: installed with DEBUG, or on a
# demonstration server with KRING_DEMO=true; a production server never has it.
KRING_DEMO = env_bool("KRING_DEMO", DEBUG)
if KRING_DEMO:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "accounts.middleware.LastSeenMiddleware",
    "frontend.middleware.ContentSecurityPolicyMiddleware",
    "core.http.KringErrorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # A file-backed test database lets real server processes share it in tests; one
            # per test run, so parallel runs on one machine do not meet.
            "TEST": {"NAME": os.environ.get("KRING_TEST_SQLITE", str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3"))},
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer --------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kring",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # Redis pub/sub ignores the database number: keep deployments sharing a Redis apart.
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("CHANNEL_PREFIX", f"kring{REDIS_URL.rsplit('/', 1)[-1]}"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kring"}}
    # A hub receives every event of its rooms on one channel: give it room to queue.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 10_000}}}

# Template fragments that depend only on the language (dialogs, toolbars, the strings the scripts
# read): rendered once per process and language with {% cache … using="fragments" %}. In memory, not
# in Redis: a fetch must cost less than rendering, and a new deployment starts new processes.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kring-fragments"}

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "frontend:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Security notices: a mail when the password, an e-mail address, two-factor authentication or a
# connected login changes (accounts/adapters.py sends them through core.mail).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
# Passkeys (WebAuthn) beside an authenticator app (TOTP); a passkey can also sign in on its own.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SITE_NAME
# Who must have two-factor authentication before using Kring (accounts/two_factor.py): any of
# "staff", "editors", "reviewers", "coordinators"; an empty KRING_REQUIRE_2FA_FOR turns it off.
KRING_REQUIRE_2FA_FOR = env_list("KRING_REQUIRE_2FA_FOR", ["staff", "editors", "reviewers", "coordinators"])
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# An institution's login never takes over an existing Kring account because its e-mail matches:
# the member signs in to that account first (with its password, passkey or code) and then
# connects the institution account, and connecting asks them to prove it again (reauthenticate).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_REAUTHENTICATION_REQUIRED = True
# Institutional single sign-on: one OpenID Connect provider, configured by environment. Its
# origin is allowed in the CSP's form-action (frontend/middleware.py); logging out of Kring also
# ends the provider's session where its discovery document offers an end_session_endpoint.
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if os.environ.get("OIDC_CLIENT_ID") and os.environ.get("OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": os.environ.get("OIDC_PROVIDER_ID", "institution"),
                "name": os.environ.get("OIDC_NAME", "Instelling"),
                "client_id": os.environ["OIDC_CLIENT_ID"],
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": os.environ["OIDC_SERVER_URL"]},
            }
        ],
    }

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]

# --- Static and media -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Media files: avatars and Wagtail's image renditions are public (nginx serves them from
# MEDIA_ROOT in production, deploy/nginx/kring.conf); everything else under MEDIA_ROOT (forum
# attachments, Wagtail documents, original images) is served only through Kring's views after a
# permission check, never at a public URL.
KRING_PUBLIC_MEDIA = ("avatars/", "images/")
# Django serves the public media itself (only those folders) when no web server does: on by
# default with DEBUG; KRING_SERVE_MEDIA=true for a small DEBUG=false setup without nginx.
KRING_SERVE_MEDIA = env_bool("KRING_SERVE_MEDIA", DEBUG)
# With KRING_X_ACCEL_REDIRECT=true the attachment view answers with an ``X-Accel-Redirect`` to
# this internal nginx location (mapped to MEDIA_ROOT) after its permission check and nginx sends
# the file; otherwise Kring streams the file itself.
KRING_X_ACCEL_REDIRECT = env_bool("KRING_X_ACCEL_REDIRECT", False)
KRING_X_ACCEL_PREFIX = "/_kring_protected/"

# --- Reverse proxy -----------------------------------------------------------------
# KRING_BEHIND_PROXY=true declares nginx in front (docs/operations.md). The client's address then
# comes from X-Forwarded-For, which nginx sets to the address it saw ($remote_addr) and Daphne's
# --proxy-headers copies into REMOTE_ADDR. allauth's login rate limit reads REMOTE_ADDR when it
# trusts no proxy (ALLAUTH_TRUSTED_PROXY_COUNT 0; a count would make it read X-Forwarded-For
# itself, the list a client can prepend to). Both halves are checked: Daphne without
# --proxy-headers refuses to start, and a request whose headers show the proxy or the server
# misconfigured is refused with 503 and a log line naming the fix (config/proxy.py).
KRING_BEHIND_PROXY = env_bool("KRING_BEHIND_PROXY", False)
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
ALLAUTH_TRUSTED_PROXY_COUNT = 0
ALLAUTH_TRUSTED_CLIENT_IP_HEADER: str | None = None
if KRING_BEHIND_PROXY or USE_X_FORWARDED_HOST:
    import sys

    from config.proxy import daphne_without_proxy_headers

    if daphne_without_proxy_headers(sys.argv):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "KRING_BEHIND_PROXY (or USE_X_FORWARDED_HOST) is on, but Daphne was started without "
            "--proxy-headers: every client would share the proxy's address. Start it as "
            "deploy/systemd/kring@.service does: daphne --proxy-headers -u /run/kring/daphne-N.sock …"
        )
    MIDDLEWARE.insert(0, "config.proxy.ProxyHeadersCheckMiddleware")

# --- E-mail -----------------------------------------------------------------------
EMAIL_URL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_URL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_URL_HOST
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    # Explicit, never guessed from EMAIL_HOST: STARTTLS (usually port 587) or implicit TLS
    # (usually port 465); both off by default, as in Django.
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set at most one of EMAIL_USE_TLS (STARTTLS) and EMAIL_USE_SSL (implicit TLS).")
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587" if EMAIL_USE_TLS else "465" if EMAIL_USE_SSL else "25"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kring <noreply@kring.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail -------------------------------------------------------------------------
WAGTAIL_SITE_NAME = SITE_NAME
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILAPI_BASE_URL = SITE_URL
# Wagtail's database backend with Dutch stemming and prefix search on SQLite as on PostgreSQL
# (knowledge_base/search/; the backend follows the database, see the end of the knowledge_base section).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "knowledge_base.search.sqlite"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Two task backends. "default" runs Wagtail's small housekeeping tasks in the request, as before.
# "durable" is the job queue for mail (core/mail.py): rows in the database that the worker
# (manage.py run_worker; make run starts it, production runs kring-worker.service) takes one by
# one, so a mail survives a restart and an SMTP server that is down (docs/reliability.md).
# KRING_TASKS_IMMEDIATE=true runs the durable tasks in the request instead (no worker needed).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "durable": (
        {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["mail", "default"]}
        if env_bool("KRING_TASKS_IMMEDIATE", False)
        else {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["mail", "default"]}
    ),
}

# --- Security ------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views same-origin.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"once_a_minute": {"()": "config.logging.RepeatFilter", "seconds": 60}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # While Redis is down these repeat every second (with a traceback each time). A
        # logger's filters see only its own records, not its children's: name the module.
        "channels_redis.pubsub": {"filters": ["once_a_minute"]},
        "realtime.hub": {"filters": ["once_a_minute"]},
        # A misconfigured proxy makes every request log the same line.
        "config.proxy": {"filters": ["once_a_minute"]},
    },
}

# --- Kring -----------------------------------------------------------------------------
KRING_WS_IDLE_SECONDS = 90
KRING_DEMO_PASSWORD = "kring-demo-2026"  # noqa: S105  (printed by seed_demo, demo data only)

# --- knowledge_base ---
# Documents are always served through Wagtail's view as attachments (never inline, so an uploaded
# HTML, PDF or SVG cannot run in Kring's origin), with a size limit on upload.
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
WAGTAILDOCS_DOCUMENT_FORM_BASE = "knowledge_base.forms.DocumentForm"
KNOWLEDGE_BASE_MAX_DOCUMENT_SIZE = 20 * 1024 * 1024
if USING_POSTGRES:
    # Dutch stemming for the knowledge base's full-text search ("warmtepomp" finds "warmtepompen").
    WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "knowledge_base.search.postgres"
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "dutch"

# --- Web Push (VAPID) ------------------------------------------------------------------
# The server's key pair for Web Push: the private key as PEM (or its base64url raw form) and
# the public key as base64url (the browser's ``applicationServerKey``). Without them push is
# off, except with DEBUG: then a key pair is generated on first use into ``.vapid-dev.pem``.
WEBPUSH_VAPID_PRIVATE_KEY = os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY", "")
WEBPUSH_VAPID_PUBLIC_KEY = os.environ.get("WEBPUSH_VAPID_PUBLIC_KEY", "")
WEBPUSH_SUBJECT = os.environ.get("WEBPUSH_SUBJECT", "mailto:beheer@kring.localhost")
WEBPUSH_DEV_KEY_FILE = BASE_DIR / ".vapid-dev.pem"

# --- The REST API (api/, docs/api.md) -------------------------------------------------------
# Only the schema class is global: Wagtail's v2 API (knowledge_base) keeps DRF's other defaults,
# and Kring's API views set their own authentication, scopes, renderers and error mapping.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.KringAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kring API",
    "DESCRIPTION": "The REST API of Kring: communities, rooms, topics, messages, reactions. See docs/api.md.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "PREPROCESSING_HOOKS": ["api.schema.only_api_v1"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}
# OAuth 2 for institutional integrations (django-oauth-toolkit, /api/oauth/): authorization code
# with PKCE only; a member grants an application some of the API's scopes (never admin). The
# applications are registered by a platform administrator in Django's admin (docs/api.md).
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read what you can read (communities, rooms, messages, notifications, conversations)",
        "write": "Post, react, join and leave in your name",
        "mentoring": "Your mentoring profile, suggestions, pairs and their sessions",
    },
    "DEFAULT_SCOPES": ["read"],
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if not DEBUG else ["https", "http"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    # RFC 9700 (the OAuth 2.0 Security BCP) now rather than when django-oauth-toolkit 4.0 makes it
    # the default: no implicit or password grant, no "plain" PKCE, no tokens in the query string,
    # `iss` in the authorization response, tokens stored hashed, a replayed refresh token revokes
    # its whole family (`manage.py check --deploy` warned of each).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}

# CORS for the API only, and only for the origins listed (none by default): a portal on another
# origin that calls the API with a token. Cookies are never sent cross-origin.
CORS_ALLOWED_ORIGINS = env_list("KRING_API_CORS_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Location"]
