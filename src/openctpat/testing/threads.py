"""Running threads against the test database the way processes use the real one."""

import contextlib
import os
import sqlite3
import tempfile
import threading

from django.db import connection, connections


@contextlib.contextmanager
def database_for_threads():
    """Let the threads of a transactional test write at the same time, as processes do.

    On PostgreSQL there is nothing to do. SQLite's in-memory test database is in
    shared-cache mode, where a writer that finds the database locked fails at once
    ("database table is locked") instead of waiting up to ``timeout`` as it does on the
    file the app uses. For the block, the test database is a copy of it in a temporary
    file, opened with the app's settings (WAL, IMMEDIATE transactions, 20 s timeout).
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings = connection.settings_dict
    memory_name = settings["NAME"]
    keeper = sqlite3.connect(memory_name, uri=True)  # keeps the in-memory database alive
    handle, path = tempfile.mkstemp(prefix="ctpat-threads-", suffix=".sqlite3")
    os.close(handle)
    try:
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        settings["NAME"] = path
        connection.close()  # now closes for real: the next query opens the file
        yield
    finally:
        connection.close()
        settings["NAME"] = memory_name
        keeper.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path + suffix)


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
