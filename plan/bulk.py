"""Writing many rows of one model at once, with their history, in a fixed number of statements.

Django's ``bulk_update`` builds a ``CASE WHEN pk = ... THEN ...`` expression per field and row and
resolves each one in Python: measured here, 10,000 projects times 14 fields took about 70 s of
CPU before the database saw a statement, no faster than saving them one by one. An import writes
the same columns of every row, so one parameterised ``UPDATE ... WHERE id = %s`` run with
``executemany`` does it: one statement, a row of parameters per object, values prepared by each
field as ``save()`` would (``get_db_prep_save``). django-simple-history records nothing for it
(no ``post_save``), so ``update_with_history`` writes the history rows itself with
``bulk_history_create``: one per object, naming the user, the date and the reason, as a save
would have.
"""

from django.db import connections, router


def update_rows(objs, model, fields) -> int:
    """Write ``fields`` of every object of ``objs`` (saved instances of ``model``): one
    ``executemany`` (SQLite), one ``UPDATE ... FROM (VALUES ...)`` per thousand rows
    (PostgreSQL); returns the number of objects. No signals, no history."""
    objs = list(objs)
    if not objs:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    # Only the model's own table and column names (quoted) go into the SQL text; every value
    # is a parameter (bandit B608 answered).
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # nosec B608
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
        + [meta.pk.get_db_prep_value(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg2's executemany is a round trip per row (10,000 rows: about 8 s): one
            # UPDATE ... FROM (VALUES ...) per thousand rows instead, each value cast to its
            # column's type.
            casts = [f.cast_db_type(connection) for f in columns]
            casts.append(meta.pk.cast_db_type(connection))
            row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
            names = [f"c{i}" for i in range(len(columns))]
            sets = ", ".join(f"{quote(f.column)} = v.{n}" for f, n in zip(columns, names,
                                                                         strict=True))  # fmt: skip
            for start in range(0, len(params), 1000):
                chunk = params[start : start + 1000]
                value_rows = ", ".join([row] * len(chunk))
                key = quote(meta.pk.column)
                table = quote(meta.db_table)
                statement = f"UPDATE {table} AS t SET {sets} FROM (VALUES {value_rows}) AS v({', '.join(names)}, pk) WHERE t.{key} = v.pk"  # nosec B608  # noqa: E501
                cursor.execute(
                    statement,
                    [value for values in chunk for value in values],
                )
        else:
            cursor.executemany(sql, params)
    return len(objs)


def update_with_history(objs, model, fields, *, user, reason: str, date, batch_size=1000) -> int:
    """``update_rows`` and a history row per object (``~``, changed), as ``save()`` with
    django-simple-history would write, naming ``user``, ``reason`` and ``date``."""
    objs = list(objs)
    count = update_rows(objs, model, fields)
    if objs:
        model.history.bulk_history_create(
            objs, batch_size=batch_size, update=True, default_user=user,
            default_change_reason=reason, default_date=date,
        )  # fmt: skip
    return count
