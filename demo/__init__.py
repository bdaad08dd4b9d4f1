"""Demo content for development and demonstrations: members, communities, pairs and lessons.

A dev-only app: it is in ``INSTALLED_APPS`` only when ``KRING_DEMO`` is on (by default when
``DEBUG`` is), and no production module imports it (``tests/test_architecture.py``). It loads
with ``manage.py seed_demo``; each module seeds one app's part, in the order of ``steps.STEPS``.
"""
