"""Settings for Media Portal. Every value that differs between machines comes
from the environment (documented in README.md, "Configuration")."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
_DEV_SECRET = "insecure-development-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    # Fail at start, not at the first signed cookie.
    raise ImproperlyConfigured("Production mode (DEBUG=0) needs SECRET_KEY: a random string of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# Reverse proxies of our own in front of the app (nginx: 1). The client address
# that rate limits are keyed on is read from X-Forwarded-For only through them
# (mediaportal/client_address.py); 0 trusts no header at all.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    # First, so its management commands win over Django's (createsuperuser
    # checks the password policy with --noinput too).
    "accounts",
    "mediaportal.apps.PortalAdminConfig",  # django.contrib.admin with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "newsroom",
    "newsroom.newsletter",
    "downloads",
    "mediaportal.outbox",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mediaportal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mediaportal.middleware.RejectNulMiddleware",
    "mediaportal.middleware.MethodNotAllowedPageMiddleware",
    "mediaportal.middleware.QueryTimeoutMiddleware",
]

ROOT_URLCONF = "mediaportal.urls"
WSGI_APPLICATION = "mediaportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "mediaportal.context_processors.portal",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# No statement may hold a connection (and so a web worker) longer than this:
# a crafted slow search answers 503 instead of occupying every worker.
# Migrations that build large indexes lift it for themselves (SET LOCAL).
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=5000)  # milliseconds, 0 = none
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_STATEMENT_TIMEOUT:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}"
# Searches per client (allauth's rate syntax; the client as in TRUSTED_PROXY_COUNT).
SEARCH_RATE_LIMIT = env.str("SEARCH_RATE_LIMIT", default="60/m/ip")
# Sitemap and feeds are cached until something is published (or this many seconds).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=900)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Degrades instead of failing when Redis is down (mediaportal/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "mediaportal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Files --------------------------------------------------------------------
# All uploaded and generated files go through Django's storage API, so an
# S3-compatible backend (django-storages) can replace the local disk.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "mediaportal" / "static"]
# MEDIA_STORAGE: "local" (MEDIA_ROOT on this machine's disk) or "s3" (one
# bucket that every web and worker host shares, through django-storages).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured('MEDIA_STORAGE must be "local" or "s3".')
_MEDIA_BACKEND: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_STORAGE == "s3":
    _MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),  # no default: fail at start
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Private objects; every URL is signed and short-lived. A new file
            # never replaces another of the same name (as on local disk).
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "full_name", "organisation"]},
    },
    # Django's list of common passwords, also against "Password123!" (a common word dressed up).
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    {"NAME": "accounts.validators.PasswordPolicyValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Codes: 8 digits shown as 1234-5678 (26.6 bits), easy to read aloud or type on
# a phone; three wrong tries kill a code. allauth 65.21 documents
# ACCOUNT_PASSWORD_RESET_BY_CODE_FORMAT but reads ..._CODE_CODE_FORMAT: set
# both (tests/accounts/test_reset.py checks the format that comes out).
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 8, "dashed": True}
ACCOUNT_PASSWORD_RESET_BY_CODE_CODE_FORMAT = ALLAUTH_USER_CODE_FORMAT
ACCOUNT_PASSWORD_RESET_BY_CODE_FORMAT = ALLAUTH_USER_CODE_FORMAT
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_FORMAT = ALLAUTH_USER_CODE_FORMAT
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 10 * 60
# Seconds before "Send a new code" may be used again (accounts/services.py).
PASSWORD_RESET_CODE_RESEND_WAIT = 30
# Reset codes that may be typed for one address per hour, over all its codes
# and sessions (each code also dies after its three tries); counted in the
# database (accounts.services.password_reset_code_try).
PASSWORD_RESET_CODE_TRIES_PER_ACCOUNT = 10
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupProfileForm"
# Same work for new and registered addresses (no timing oracle).
ACCOUNT_FORMS = {"signup": "accounts.signup.SignupForm"}
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong passwords: per client, and per account AND client (the key is
    # "address:client", accounts/adapters.py), so the owner elsewhere is not
    # locked out; plus a ceiling per account over all clients.
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_account": "50/h/key",
    "signup": "10/m/ip,30/h/ip",
    # Asking for a reset code, and every "Send a new code", per address and per IP.
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    # Typing a reset code (each code also dies after three wrong tries).
    "confirm_password_reset_code": "10/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    # Newsletter sign-ups (each mails a confirmation), per client address.
    "newsletter_subscribe": "5/m/ip,20/h/ip",
}

# --- Mail ---------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Media Portal <noreply@mediaportal.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 30

# --- Celery (read by mediaportal/celery.py under the CELERY_ namespace) ----------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without Redis, tasks run in the web process as they are queued: one command,
# no worker, everything still works (slower).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# With the broker down a request gives up queueing within about a second; its
# mail waits in the outbox for the sweep (mediaportal/mail.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every project task names its queue on its decorator (an undeclared one is
# refused, see mediaportal/celery.py); only Celery's own tasks use the default,
# which is the non-urgent queue, never the transactional mail queue.
CELERY_TASK_DEFAULT_QUEUE = "bulk"
CELERY_TASK_TIME_LIMIT = 60 * 60
# Longer than the longest task (CELERY_TASK_TIME_LIMIT), or Redis would hand an
# unacknowledged long render to a second worker while the first still runs it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT}
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = "UTC"

# --- Downloads ----------------------------------------------------------------
# Longest clip a user may ask for, in seconds.
CLIP_MAX_SECONDS = env.int("CLIP_MAX_SECONDS", default=15 * 60)
# New clips one user may have waiting or rendering at once (more: 429).
CLIP_MAX_ACTIVE_PER_USER = env.int("CLIP_MAX_ACTIVE_PER_USER", default=4)
# Rendered clips are deleted this many days after they were made.
CLIP_RETENTION_DAYS = env.int("CLIP_RETENTION_DAYS", default=7)
# x264 settings for re-encoded frames (clip edges, full re-encodes, web proxies).
CLIP_ENCODER_PRESET = env.str("CLIP_ENCODER_PRESET", default="superfast")
CLIP_ENCODER_CRF = env.int("CLIP_ENCODER_CRF", default=16)
# x264 settings of the web version every master gets (the browser preview).
WEB_VERSION_PRESET = env.str("WEB_VERSION_PRESET", default="veryfast")
WEB_VERSION_CRF = env.int("WEB_VERSION_CRF", default=23)
# "app": the app streams files itself (sendfile under gunicorn; ranged GETs
# from the bucket with S3); "nginx": the app answers with X-Accel-Redirect and
# nginx sends the bytes (local disk only); "redirect" (S3 only): after the
# permission check and the download record, a redirect to a signed bucket URL
# valid DOWNLOADS_REDIRECT_SECONDS, which names the file for the browser.
DOWNLOADS_DELIVERY = env.str("DOWNLOADS_DELIVERY", default="app")
if DOWNLOADS_DELIVERY not in ("app", "nginx", "redirect"):
    raise ImproperlyConfigured('DOWNLOADS_DELIVERY must be "app", "nginx" or "redirect".')
if {"nginx": "local", "redirect": "s3"}.get(DOWNLOADS_DELIVERY, MEDIA_STORAGE) != MEDIA_STORAGE:
    raise ImproperlyConfigured('DOWNLOADS_DELIVERY="nginx" needs MEDIA_STORAGE=local; "redirect" needs s3.')
DOWNLOADS_REDIRECT_SECONDS = env.int("DOWNLOADS_REDIRECT_SECONDS", default=60)
SENDFILE_BACKEND = "django_sendfile.backends.nginx"
SENDFILE_ROOT = str(MEDIA_ROOT)
SENDFILE_URL = env.str("SENDFILE_URL", default="/protected")
# Media jobs never left behind (downloads/jobs.py): running jobs beat on their row;
# the sweeper queues again those silent for MEDIA_LOST_AFTER seconds (their worker
# died), and fails those lost MEDIA_MAX_ATTEMPTS times.
MEDIA_HEARTBEAT_SECONDS = env.float("MEDIA_HEARTBEAT_SECONDS", default=30)
MEDIA_LOST_AFTER = env.float("MEDIA_LOST_AFTER", default=5 * 60)
MEDIA_SWEEP_INTERVAL = env.float("MEDIA_SWEEP_INTERVAL", default=60)
MEDIA_MAX_ATTEMPTS = env.int("MEDIA_MAX_ATTEMPTS", default=3)
# A media task past this raises SoftTimeLimitExceeded and marks its row failed,
# before the hard limit (CELERY_TASK_TIME_LIMIT) kills the process.
MEDIA_SOFT_TIME_LIMIT = env.int("MEDIA_SOFT_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT - 120)
CELERY_BEAT_SCHEDULE = {
    "clips-expire": {"task": "downloads.tasks.clip_expire_task", "schedule": 60 * 60},
    # A sweep still waiting behind long jobs when the next one is due is dropped.
    "media-sweep": {
        "task": "downloads.tasks.media_sweep_task",
        "schedule": MEDIA_SWEEP_INTERVAL,
        "options": {"expires": MEDIA_SWEEP_INTERVAL},
    },
}

# --- Newsletter ---------------------------------------------------------------
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=250)
# Messages per second across all workers (0: as fast as the SMTP server takes them).
NEWSLETTER_RATE_LIMIT = env.int("NEWSLETTER_RATE_LIMIT", default=50)
NEWSLETTER_MAX_ATTEMPTS = env.int("NEWSLETTER_MAX_ATTEMPTS", default=5)
NEWSLETTER_RETRY_BACKOFF = env.int("NEWSLETTER_RETRY_BACKOFF", default=60)  # seconds, doubled per attempt
NEWSLETTER_CONFIRM_MAX_AGE = 7 * 24 * 60 * 60
NEWSLETTER_CONFIRM_RESEND_INTERVAL = 120  # one confirmation e-mail per address per 2 minutes
# Pending deliveries queued longer ago than this are queued again (their task was lost).
NEWSLETTER_REQUEUE_AFTER = env.int("NEWSLETTER_REQUEUE_AFTER", default=15 * 60)
# A delivery still "sending" after this many seconds is treated as interrupted
# and sent again with the same Message-ID (sooner if its worker's session is gone).
NEWSLETTER_SENDING_TIMEOUT = env.int("NEWSLETTER_SENDING_TIMEOUT", default=10 * 60)
# Envelope sender for issues, e.g. bounces@example.org: each message goes out
# as bounces+<reference>@example.org (VERP), and the MTA hands mail to those
# addresses to `manage.py newsletter_feedback_server`. Empty: no VERP.
NEWSLETTER_BOUNCE_ADDRESS = env.str("NEWSLETTER_BOUNCE_ADDRESS", default="")
CELERY_BEAT_SCHEDULE["newsletter-send-due"] = {
    "task": "newsroom.newsletter.tasks.issue_send_due_task",
    "schedule": 60.0,
}

CELERY_BEAT_SCHEDULE["mail-outbox-sweep"] = {"task": "mediaportal.mail.mail_outbox_sweep_task", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["attempt-counters-expire"] = {
    "task": "accounts.tasks.attempt_counters_expire_task",
    "schedule": 60 * 60,
}

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# Branding of the back office and the newsletter: a translated name
# ("Portail médias" in French) and a static logo (PNG: mail clients show it).
SITE_NAME = _("Media Portal")
SITE_LOGO = "mediaportal/logo.png"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
USE_I18N = True
USE_TZ = True

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
if MEDIA_STORAGE == "s3":
    # Posters, thumbnails and article images come from the bucket (signed URLs),
    # and with DOWNLOADS_DELIVERY=redirect the preview player follows there too.
    _bucket = _MEDIA_BACKEND["OPTIONS"]
    MEDIA_ORIGINS = env.str(
        "MEDIA_ORIGINS",
        default=_bucket["endpoint_url"]
        or f"https://{_bucket['bucket_name']}.s3.amazonaws.com "
        f"https://{_bucket['bucket_name']}.s3.{_bucket['region_name'] or 'us-east-1'}.amazonaws.com",
    )
    CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
        "img-src 'self'", f"img-src 'self' {MEDIA_ORIGINS}"
    ).replace("media-src 'self'", f"media-src 'self' {MEDIA_ORIGINS}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Hostile input: the clip API's script reads JSON errors, CSRF failures included ---
CSRF_FAILURE_VIEW = "mediaportal.errors.csrf_failure"
