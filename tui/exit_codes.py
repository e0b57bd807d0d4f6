"""The exit statuses of every ``jixiao`` command, defined once (the README's table).

* 0 ``EXIT_OK``: done, nothing to look at;
* 1 ``EXIT_FINDINGS``: done, and there is something to look at: findings in a
  form, problems found while importing, forms that could not be printed;
* 2 ``EXIT_UNREADABLE``: bad input or a request that cannot be carried out
  (a file that does not load, a missing folder, an output that would overwrite
  an input): nothing, or not everything, was done.

The other names are what a command calls the same status in its own terms.
Only the standard library's typing is imported: every command imports this.
"""

from __future__ import annotations

from typing import Final

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_UNREADABLE: Final = 2

EXIT_PROBLEMS: Final = EXIT_FINDINGS  # jixiao import: what was imported has problems to look at
EXIT_FAILED: Final = EXIT_FINDINGS  # jixiao pdf: some forms could not be printed
EXIT_UNUSABLE: Final = EXIT_UNREADABLE  # jixiao review / import: the input cannot be used

__all__ = ["EXIT_OK", "EXIT_FINDINGS", "EXIT_UNREADABLE", "EXIT_PROBLEMS", "EXIT_FAILED", "EXIT_UNUSABLE"]
