"""The codes raised outside the engine, on what a form does not say itself.

- review-above-self, unknown-indicator, review-invalid: by the review (``scoring/review.py``) on a
  form's ``*.review.toml`` in the reviewer's review folder (tested in tests/test_review_batch.py);
- review-beside-form: by the review, on a ``*.review.toml`` lying beside a submission, not applied
  (tested in tests/test_hostile_reviews.py);
- import-problem: by the loader (``scoring/loading.py``) on what an imported spreadsheet or text
  could not give (tested in tests/test_import_cli.py);
- duplicate-submission, year-outlier: by the batch (``scoring/batch_sense.py``) on a form compared with
  the others of its batch (tested in tests/test_batch_sense.py);
- printed-mismatch: by ``scoring/printed_check.py``, called by the loader, on the figures an imported form
  prints that differ from the recomputation (tested in tests/test_import_classes.py);
- target-changed, indicator-added, indicator-dropped, targets-mismatch, targets-not-found: by the
  comparison with the approved 绩效目标表 (``scoring/targets.py``, a pure function of a form and its
  definitions; its examples are ``scoring.targets.EXAMPLES``, tested in tests/test_targets.py).

They have no example form.
"""

from __future__ import annotations

from .base import Check

CHECK = Check(
    codes=(
        "review-above-self", "unknown-indicator", "review-invalid", "review-beside-form", "import-problem",
        "printed-mismatch",
        "target-changed", "indicator-added", "indicator-dropped", "targets-mismatch", "targets-not-found",
        "duplicate-submission", "year-outlier",
    )
)  # fmt: skip
