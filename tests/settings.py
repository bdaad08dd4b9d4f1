"""Test settings: Kring's settings with a fast password hasher."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The demo app (dev-only, see config/settings.py) is installed for its own tests and the backup test.
KRING_DEMO = True
if "demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
# Off for the suite at large (its editors and staff sign in without a second factor); the tests
# of the requirement itself turn it on (tests/accounts/test_two_factor.py).
KRING_REQUIRE_2FA_FOR: list[str] = []
# Mail goes through the "durable" task backend; the suite runs it in the request (mail.outbox
# sees it at once) except where the queue itself is tested (tests/core/test_mail_queue.py).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "durable": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["mail", "default"]},
}
