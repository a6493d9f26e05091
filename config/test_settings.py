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

# Tasks run inline, so a debounce window cannot work as it does with a worker: the window's trailing task runs
# at once instead of at the window's end, and a change made later in the window was then never recomputed (the
# live-server tests saw stale figures when their edits came within 3 s of each other on a busy machine). Each
# change is processed as it commits; the real-worker tests set a window of their own.
TARGETS_DEBOUNCE_SECONDS = 0
