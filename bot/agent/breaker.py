"""A circuit breaker: after `failures` failures in a row the endpoint is left alone for
`cooldown` seconds; then one trial call decides whether it is back."""
from __future__ import annotations

import threading
import time
from typing import Callable


class CircuitBreaker:
    def __init__(self, failures: int = 3, cooldown: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.limit = max(1, failures)
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    def allow(self) -> bool:
        """May we call the endpoint now? (In the half-open state, only one caller may.)"""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at < self.cooldown or self._trial:
                return False
            self._trial = True
            return True

    def success(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._trial = False
            if self._failures >= self.limit:
                self._opened_at = self._clock()

    @property
    def open(self) -> bool:
        with self._lock:
            return self._opened_at is not None and self._clock() - self._opened_at < self.cooldown
