"""Suggestions as a page sees them: 50,000 mentoring profiles in a scratch SQLite database.

Measures loading the pool into a matching table (first request of a process, or after a
profile changed), and a suggestion list once the table is cached.

Run: DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python -m bench.mentoring_suggestions_db
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

N = int(os.environ.get("BENCH_PROFILES", "50000"))


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from accounts.models import Language, Profile, Region, Skill, User
    from mentoring import selectors
    from mentoring.models import MentoringProfile, SkillOffer, SkillWant

    rng = random.Random(2026)
    skills = list(Skill.objects.values_list("pk", flat=True))
    regions = list(Region.objects.values_list("pk", flat=True))
    nl = Language.objects.get(code="nl")
    start = time.perf_counter()
    users = User.objects.bulk_create(User(email=f"m{i}@bench.test", password="!") for i in range(N))  # noqa: S106 - an unusable password
    profiles = Profile.objects.bulk_create(
        Profile(user=u, display_name=f"Lid {i}", region_id=rng.choice(regions)) for i, u in enumerate(users)
    )
    Profile.languages.through.objects.bulk_create(
        Profile.languages.through(profile_id=p.pk, language_id=nl.pk) for p in profiles
    )
    mps = MentoringProfile.objects.bulk_create(
        MentoringProfile(
            user=u,
            years_experience=rng.choice([0, 1, 3, 8, 15, 25, 32]),
            hours_per_month=rng.choice([2, 4, 8]),
            mode=rng.choice(["online", "in_person", "both"]),
        )
        for u in users
    )
    SkillOffer.objects.bulk_create(
        SkillOffer(profile=mp, skill_id=s) for mp in mps for s in rng.sample(skills, rng.randint(1, 3))
    )
    SkillWant.objects.bulk_create(
        SkillWant(profile=mp, skill_id=s) for mp in mps for s in rng.sample(skills, rng.randint(1, 2))
    )
    created = time.perf_counter() - start

    me = users[7]
    selectors.clear_table_cache()
    start = time.perf_counter()
    first = selectors.suggestions_for(user=me)
    cold = time.perf_counter() - start
    warm = []
    for u in users[8:28]:
        start = time.perf_counter()
        selectors.suggestions_for(user=u)
        warm.append(time.perf_counter() - start)
    warm.sort()
    json.dump(
        {
            "profiles": N,
            "seconds_to_create_rows": round(created, 1),
            "first_request_s_incl_loading_pool": round(cold, 3),
            "cached_request_ms_median": round(1000 * warm[len(warm) // 2], 1),
            "cached_request_ms_max": round(1000 * warm[-1], 1),
            "suggestions": len(first),
        },
        sys.stdout,
        indent=2,
    )
    print()


if __name__ == "__main__":
    main()
