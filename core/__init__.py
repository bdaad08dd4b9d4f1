"""Kring's ground floor: what every app shares and that depends on no app of ours.

- ``core.errors``: the one error hierarchy every app's services raise; each transport maps it once.
- ``core.text``: the one rule for text people send (forms, services, and a pre_save check).
- ``core.ratelimit``: the one token bucket.
"""
