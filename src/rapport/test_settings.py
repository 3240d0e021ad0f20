"""Settings for the test suite: the real settings, with a throwaway data folder."""

import os
import tempfile

os.environ.setdefault("RAPPORT_DATA_DIR", tempfile.mkdtemp(prefix="rapport-test-"))
os.environ.setdefault("RAPPORT_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")

from rapport.settings import *  # noqa: E402, F403

# Fast hashing in tests; production uses Argon2 (asserted in accounts tests).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Jobs run in-process when their transaction commits; the durable backend has its own test.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns when missing)

# Parallel workers share one Redis: give each its own channel-layer and cache namespace,
# since user and team ids repeat across the workers' separate test databases.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_LAYER: dict = CHANNEL_LAYERS["default"]  # noqa: F405
if "CONFIG" in _LAYER:
    _LAYER["CONFIG"] = {**_LAYER["CONFIG"], "prefix": f"rapport-test-{_WORKER}"}
if not REDIS_URL:  # noqa: F405
    # The xdist workers share the data folder: a file cache would let one worker's
    # cache.clear() wipe another's rate limits and heartbeats.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHES["default"]["KEY_PREFIX"] = f"rapport-test-{_WORKER}"  # noqa: F405

# Tests clear the cache (rate limits, availability); on Redis that is FLUSHDB. Give each
# worker's cache a database of its own, so a clear never wipes the channel layer's
# queues or another worker's (or a test server's) state.
if REDIS_URL:  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _index = int(_WORKER[2:]) if _WORKER.startswith("gw") and _WORKER[2:].isdigit() else 0
    _parts = urlsplit(REDIS_URL)  # noqa: F405
    CACHES["default"]["LOCATION"] = urlunsplit(  # noqa: F405
        _parts._replace(path=f"/{1 + _index % 14}")  # 15 is the two-node test's
    )
