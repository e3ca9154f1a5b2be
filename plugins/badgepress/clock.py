"""The one clock of Badgepress.

Everything that asks "what time is it" (a build's status-list window, the
default dates of ``award``, ``import``, ``revoke`` and ``endorse``, and the
moment ``verify`` checks validity at) asks :func:`now`. ``SOURCE_DATE_EPOCH``
(seconds since 1970-01-01 UTC, the reproducible-builds convention) sets it;
without it, it is the system's clock. Tests pin it, so that none depends on
the day it runs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, date, datetime

from badgepress.errors import BadgepressError

ENV = "SOURCE_DATE_EPOCH"


def now(environ: Mapping[str, str] = os.environ) -> datetime:
    """The current time, in UTC: ``SOURCE_DATE_EPOCH`` when set, else the system's clock."""
    text = environ.get(ENV, "").strip()
    if not text:
        return datetime.now(UTC)
    if not text.isdigit():
        raise BadgepressError(f"{ENV} must be whole seconds since 1970-01-01 UTC; got {text!r}")
    try:
        return datetime.fromtimestamp(int(text), UTC)
    except (OverflowError, OSError, ValueError):
        raise BadgepressError(f"{ENV} is out of range: {text!r}") from None


def today(environ: Mapping[str, str] = os.environ) -> date:
    """The current date in UTC, by the same clock."""
    return now(environ).date()
