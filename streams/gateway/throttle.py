"""Throttled warnings: an outage fails thousands of deliveries, the log should say so once."""

from __future__ import annotations

import logging
import time
from typing import Any


class Throttle:
    """Log the first warning, then at most one per `interval` with a count of the rest."""

    def __init__(self, logger: logging.Logger, interval: float) -> None:
        self.logger = logger
        self.interval = interval
        self._last = -interval
        self._suppressed = 0

    def warn(self, fmt: str, *args: Any) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            self._suppressed += 1
            self.logger.debug(fmt, *args)
            return
        if self._suppressed:
            self.logger.warning("(%d similar warnings in the last %.0fs)", self._suppressed,
                                now - self._last)
        self.logger.warning(fmt, *args)
        self._last, self._suppressed = now, 0
