"""ICJIS settings — read only from environment variables (see README, "Configuration")."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from icjis.env import envbool, envint, envstr

ENV = os.environ.get("ICJIS_ENV", "demo")
if ENV not in {"demo", "test", "production"}:
    raise ImproperlyConfigured(f"ICJIS_ENV must be demo, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"

HOME = Path(envstr("ICJIS_HOME", str(Path.cwd()))).resolve()
VAR_DIR = HOME / "var"

DEFAULT_SECRET_KEY = "icjis-demo-secret-key-not-for-production"  # noqa: S105 - refused in production
SECRET_KEY = envstr("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = envbool("DEBUG", default=False)
ALLOWED_HOSTS = [
    h for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("Production refuses to start with DEBUG on.")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "Production refuses to start with the default or a short SECRET_KEY."
        )

# The system's Ed25519 key that signs ledger checkpoints lives outside the database.
LEDGER_KEY_FILE = Path(
    envstr("ICJIS_LEDGER_KEY_FILE", str(VAR_DIR / "keys" / "ledger-ed25519.pem"))
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "icjis.core",
    "icjis.legal",
    "icjis.registry",
    "icjis.detention",
    "icjis.legalaid",
    "icjis.courts",
    "icjis.prisons",
    "icjis.probation",
    "icjis.fines",
    "icjis.offences",
    "icjis.documents",
    "icjis.evidence",
    "icjis.forensics",
    "icjis.analytics",
    "icjis.dispatch",
    "icjis.exchange",
    "icjis.field",
    "icjis.web",
]

MIDDLEWARE = [
    "icjis.core.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "icjis.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "icjis.core.middleware.IdleLockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "icjis.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "icjis.urls"
WSGI_APPLICATION = "icjis.wsgi.application"

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
                "icjis.field.context.field_node",
            ],
        },
    },
]

DATABASE_URL = envstr("DATABASE_URL", "sqlite:///var/icjis.sqlite3")
# Connections are kept between requests (a new PostgreSQL connection per request costs a backend
# process and its set-up on every act) and checked before reuse, so a restarted database costs
# one failed check, not a failed request. DB_CONN_MAX_AGE=0 closes them after each request.
_db = dj_database_url.parse(
    DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
)
# PostgreSQL's plan_cache_mode for an act's own transaction; "" leaves the connection's.
ACT_PLAN_CACHE_MODE = ""


def _plan_cache_mode(name: str, default: str) -> str:
    mode = envstr(name) or default
    if mode not in ("force_custom_plan", "auto", "force_generic_plan"):
        raise ImproperlyConfigured(f"{name}: no such mode {mode!r}")
    return mode


if _db["ENGINE"] == "django.db.backends.sqlite3":
    name = Path(_db["NAME"])
    if str(name) != ":memory:" and not name.is_absolute():
        name = HOME / name
    name.parent.mkdir(parents=True, exist_ok=True)
    _db["NAME"] = str(name)
    _db["OPTIONS"] = {
        # A write transaction from the start: two acts never deadlock upgrading a read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-icjis-{os.getpid()}.sqlite3")}
elif _db["ENGINE"].startswith("django.db.backends.postgresql"):
    _db["ENGINE"] = "django.db.backends.postgresql"
    # Parameters bound by the server, and a statement run a fifth time on a connection prepared
    # there: PostgreSQL then parses it once, and inside an act may keep its plan (planning the
    # case-access check took longer than running it). DB_PREPARE_THRESHOLD=-1 turns preparing
    # off, e.g. behind a pooler that cannot keep prepared statements.
    # A prepared statement is still planned for its values each time it runs
    # (DB_PLAN_CACHE_MODE, PostgreSQL's plan_cache_mode): PostgreSQL's own choice ("auto") turns
    # to one generic plan after five runs, and a generic plan cannot use a partial index whose
    # predicate names a value the query passes as a parameter. At 1M cases the unit head's
    # overdue list took 160 ms so against 12 ms planned for its values. Preparing still saves
    # parsing every statement again.
    # Options given in DATABASE_URL's query (sslmode, options …) are kept, and win.
    threshold = envint("DB_PREPARE_THRESHOLD", 5)
    _url_options = _db.get("OPTIONS", {})
    _db["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": threshold if threshold >= 0 else None,
        **_url_options,
    }
    if threshold >= 0:
        plan_cache_mode = _plan_cache_mode("DB_PLAN_CACHE_MODE", "force_custom_plan")
        # libpq applies -c settings in order: a plan_cache_mode the URL gives comes after, wins.
        _db["OPTIONS"]["options"] = " ".join(
            filter(None, [f"-c plan_cache_mode={plan_cache_mode}", _url_options.get("options")])
        )
        # An act's own transaction (`acts.lock_head_existing`) lets PostgreSQL choose: its
        # statements are keyed by the act's case and stream, and their generic plans ran
        # faster at 1M cases (the case-access check 0.34 ms against 1.17 planned each time;
        # acts/s through perform() 147 against 117–126 with every plan custom, back to back).
        ACT_PLAN_CACHE_MODE = _plan_cache_mode("DB_ACT_PLAN_CACHE_MODE", "auto")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["icjis.core.auth.LockoutBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
# CJIS Security Policy figures: 5 failures in 15 minutes lock the account; 30 minutes idle.
LOCKOUT_FAILURES = envint("ICJIS_LOCKOUT_FAILURES", 5)
LOCKOUT_WINDOW_MINUTES = envint("ICJIS_LOCKOUT_WINDOW_MINUTES", 15)
IDLE_LOCK_MINUTES = envint("ICJIS_IDLE_LOCK_MINUTES", 30)
API_TOKEN_HOURS = envint("ICJIS_API_TOKEN_HOURS", 8)
REQUIRE_TOTP = envbool("ICJIS_REQUIRE_TOTP", default=PRODUCTION)
# Whether the auditor gives persons the report of who accessed their record (core.transparency):
# off in production until the law allows it; on in the demo and the tests.
ACCESS_REPORTS = envbool("ICJIS_ACCESS_REPORTS", default=not PRODUCTION)
if PRODUCTION and not REQUIRE_TOTP:
    raise ImproperlyConfigured("Production requires TOTP for every account (ICJIS_REQUIRE_TOTP).")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A request's body read into memory: a card of ten fingerprints in base64 (`evidence.prints`,
# at most 1 MB an image) is the largest the API takes; Django's default of 2.5 MB is a third.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
if PRODUCTION:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "ru"
LANGUAGES = [("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")]
# The gettext catalogues of the pages (`.po` committed, `.mo` compiled by `make install`).
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
# English dates as day, month name, year and a 24-hour clock (`icjis/formats/en`), not American.
FORMAT_MODULE_PATH = ["icjis.formats"]
TIME_ZONE = "Asia/Bishkek"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = (
    not PRODUCTION
)  # demo and test serve app static files without collectstatic

# The address the public reaches this system at (printed in receipts' QR codes); empty: the
# request's own host.
PUBLIC_BASE_URL = envstr("ICJIS_PUBLIC_BASE_URL", "").rstrip("/")

# Legal aid: minutes a duty lawyer has to accept an appointment before the next one is asked.
LEGALAID_ACCEPT_MINUTES = envint("ICJIS_LEGALAID_ACCEPT_MINUTES", 60)

# A field node (icjis.field): its code as a member of the central exchange (empty: this is no
# node), its Ed25519 key, the central system's address and the public key of its receipts.
FIELD_NODE = envstr("ICJIS_FIELD_NODE", "")
FIELD_KEY_FILE = Path(envstr("ICJIS_FIELD_KEY_FILE", str(VAR_DIR / "keys" / "field-node.pem")))
CENTRAL_URL = envstr("ICJIS_CENTRAL_URL", "").rstrip("/")
CENTRAL_KEY = envstr("ICJIS_CENTRAL_KEY", "")

# Outbox delivery: the pull feed is always on; NATS JetStream is opt-in.
NATS_URL = envstr("ICJIS_NATS_URL", "")
NATS_STREAM = envstr("ICJIS_NATS_STREAM", "ICJIS")
NATS_SUBJECT_PREFIX = envstr("ICJIS_NATS_SUBJECT_PREFIX", "icjis")
OUTBOX_MAX_BACKOFF_SECONDS = envint("ICJIS_OUTBOX_MAX_BACKOFF_SECONDS", 600)
OUTBOX_ALERT_AFTER_ATTEMPTS = envint("ICJIS_OUTBOX_ALERT_AFTER_ATTEMPTS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
LEDGER_TRUSTED_KEYS = envstr("ICJIS_LEDGER_TRUSTED_KEYS", "").split(",")
