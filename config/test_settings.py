"""Settings for the test suite: the real PostgreSQL (embedded or DATABASE_URL), fast hashing,
tasks run inline. Tests of the real worker switch eager mode off for themselves."""

from config.settings import *  # noqa: F403

DJANGO_ENV = "test"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_VERBOSE = False  # one log line per login attempt drowns the test output
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405

# Examples per form of the fuzz suite (tests/test_fuzz_forms.py): a few in every run, more on demand.
FUZZ_EXAMPLES = env_int("FUZZ_EXAMPLES", 6)  # noqa: F405
