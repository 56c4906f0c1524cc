"""Inserting many rows fast, for derived rows an import makes by the ten thousand."""

from django.db import connections, models
from django.utils import timezone


def insert_many(model: type[models.Model], objs, using: str = "default") -> int:
    """INSERT ``objs`` with one prepared statement sent by ``executemany``; no ids come back.

    ``bulk_create`` compiles a statement per batch, ~40 rows on SQLite (999 parameters):
    ~0.1 ms of Python per row, 2-3 s for the 20,000 vulnerability rows of a 2,000-party lane
    import. This sends them in ~0.3 s. Field defaults and ``auto_now(_add)`` apply as on
    save (one timestamp for the batch); no signals are sent (as with ``bulk_create``).
    """
    objs = list(objs)
    if not objs:
        return 0
    connection = connections[using]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        qn(model._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    now = timezone.now()
    for f in fields:  # one time for the batch, like one statement would have it
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    columns = [_Column(f, connection) for f in fields]
    params = [[column.value(obj) for column in columns] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(objs)


class _Column:
    """One field's database values; a value repeated across rows is converted once."""

    def __init__(self, field, connection):
        self.field = field
        self.connection = connection
        self.seen: dict = {}

    def value(self, obj):
        raw = getattr(obj, self.field.attname)
        try:
            return self.seen[raw]
        except KeyError:
            value = self.seen[raw] = self.field.get_db_prep_save(raw, self.connection)
            return value
        except TypeError:  # a list or dict (JSON): not a key
            return self.field.get_db_prep_save(raw, self.connection)
