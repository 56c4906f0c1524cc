"""Throttles: count attempts per key (an address, an account, a link) in a time window.

Sign-in lockout auditing, password reset requests and partner links use one shape:
``Throttle(scope, limit, window)``; ``hit(*parts)`` counts an attempt and returns the count
in the current window, ``exceeded(*parts)`` says whether the limit is reached. Keys are
hashed, so an address or an email address can be part of one as it is.
"""

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import AttemptCounter


class Throttle:
    def __init__(self, scope: str, limit: int, window: datetime.timedelta):
        self.scope = scope
        self.limit = limit
        self.window = window

    def key(self, *parts) -> str:
        raw = "\x1f".join([self.scope, *(str(p) for p in parts)])
        return hashlib.sha256(raw.encode()).hexdigest()

    def count(self, *parts) -> int:
        found = (
            AttemptCounter.objects.filter(key=self.key(*parts), window_ends__gt=timezone.now())
            .values_list("count", flat=True)
            .first()
        )
        return found or 0

    def exceeded(self, *parts) -> bool:
        return self.count(*parts) >= self.limit

    def hit(self, *parts) -> int:
        """Count one attempt; the number of attempts in the current window, this one included."""
        key = self.key(*parts)
        counters = AttemptCounter.objects.filter(key=key)
        for _attempt in range(3):
            now = timezone.now()
            if counters.filter(window_ends__gt=now).update(count=F("count") + 1):
                return counters.values_list("count", flat=True).first() or 1
            if counters.filter(window_ends__lte=now).update(count=1, window_ends=now + self.window):
                return 1  # the previous window is over: this attempt starts a new one
            AttemptCounter.objects.filter(window_ends__lte=now).delete()  # forget old windows
            try:
                with transaction.atomic():
                    AttemptCounter.objects.create(key=key, count=1, window_ends=now + self.window)
                return 1
            except IntegrityError:
                continue  # another attempt created it first: count on it
        raise RuntimeError(f"Could not count an attempt for {self.scope}")
