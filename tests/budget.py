"""How much a property test tries: a small budget every day, the full one in CI.

``HYPOTHESIS_PROFILE=ci`` (or ``pytest --runslow``, which ``.ci/run`` passes)
selects the full profile: every ``@settings(max_examples=examples(N))`` then
runs its N examples.  The everyday profile ``dev`` runs a tenth of them (at
least 5), enough to catch a broken property in seconds.  The profile is chosen
in ``tests/conftest.py`` before any test module is imported.
"""

from __future__ import annotations

from hypothesis import settings

FULL_PROFILE = "ci"


def examples(n: int) -> int:
    """N in the full profile, a tenth of N (at least 5) in the everyday one."""
    if settings.get_current_profile_name() == FULL_PROFILE:
        return n
    return max(5, n // 10)
