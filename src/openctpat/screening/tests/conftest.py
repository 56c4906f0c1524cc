import pytest

from openctpat.screening import services


@pytest.fixture(autouse=True)
def _fresh_index():
    """The matcher index is cached per process; each test starts without it."""
    services._index_cache.clear()
    yield
    services._index_cache.clear()
