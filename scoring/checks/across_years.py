"""The codes comparing a form with the same unit and project's form of the year before.

- target-below-last-actual, indicators-unchanged, grade-repeated-low: by
  :func:`jixiao.scoring.across_years.across_years_findings`, a pure function of two years' facts
  that ``jixiao review`` calls with the year before from the bureau's record (``jixiao.store``);
  the settings are the rule set's ``[across_years]``.

One form alone cannot raise them, so they have no example form here: their examples are pairs of
forms, ``scoring.across_years.example_pair(code)`` (tested in tests/test_store.py).
"""

from __future__ import annotations

from .base import Check

CHECK = Check(codes=("target-below-last-actual", "indicators-unchanged", "grade-repeated-low"))
