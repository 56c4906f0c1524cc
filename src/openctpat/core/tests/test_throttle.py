import datetime

import pytest
from django.utils import timezone

from openctpat.core.models import AttemptCounter
from openctpat.core.throttle import Throttle

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def test_counts_per_key_until_the_limit():
    throttle = Throttle("test", limit=3, window=MINUTE)
    assert [throttle.hit("10.0.0.1", 7) for _ in range(3)] == [1, 2, 3]
    assert throttle.exceeded("10.0.0.1", 7)
    assert not throttle.exceeded("10.0.0.1", 8)
    assert not throttle.exceeded("10.0.0.2", 7)
    assert Throttle("other", limit=3, window=MINUTE).count("10.0.0.1", 7) == 0


def test_a_new_window_starts_when_the_last_one_is_over():
    throttle = Throttle("test", limit=2, window=MINUTE)
    throttle.hit("a")
    throttle.hit("a")
    assert throttle.exceeded("a")
    AttemptCounter.objects.update(window_ends=timezone.now() - datetime.timedelta(seconds=1))
    assert throttle.count("a") == 0 and not throttle.exceeded("a")
    assert throttle.hit("a") == 1
    assert AttemptCounter.objects.count() == 1


def test_old_windows_are_forgotten_and_keys_are_not_stored_readably():
    throttle = Throttle("test", limit=2, window=MINUTE)
    throttle.hit("pcso@example.test")
    AttemptCounter.objects.update(window_ends=timezone.now() - MINUTE)
    throttle.hit("someone-else@example.test")
    assert AttemptCounter.objects.count() == 1
    assert "example" not in AttemptCounter.objects.get().key
