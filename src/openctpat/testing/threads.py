"""Threads in tests: each with its own database connection, as processes have.

The SQLite test database is a file (settings.test), so threads lock it as the app's do.
"""

import threading

from django.db import connections


class Worker(threading.Thread):
    """A thread that runs ``call()``, keeps its result or exception, and closes its database
    connections when done."""

    def __init__(self, call):
        super().__init__(daemon=True)
        self.call = call
        self.result = None
        self.error: BaseException | None = None

    def run(self):
        try:
            self.result = self.call()
        except BaseException as exc:
            self.error = exc
        finally:
            connections.close_all()

    def outcome(self, timeout: float = 60):
        self.join(timeout)
        if self.is_alive():
            raise AssertionError(f"the thread did not finish within {timeout} s")
        if self.error is not None:
            raise self.error
        return self.result
