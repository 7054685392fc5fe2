"""Querysets compiled to SQL once per process, then run again with other values.

Building and compiling a queryset costs more than running it when the query is small: the
UNION ALL that reads a post page's terms with the site's settings, links and menu
(blog/site.py) cost 1.2 ms to compile and 0.3 ms to run, on every cold page; the post page's
own query 1.5 ms against 0.14 ms. A Prepared query is built once per database, `shape` and
number of values, with stand-in values, from a function of lists of values (and of the
shape) that returns a queryset; its SQL is kept, and each run puts the real values where the
stand-ins were. `rows()` gives values_list() tuples, converted as Django converts them;
`objects()` gives model instances (with select_related() objects and annotations) as a
QuerySet builds them.

The values are ints or strings. A stand-in must reach the compiled parameters unchanged, or
the query is refused (ValueError): a string stand-in holds the characters a LIKE pattern
escapes (`%`, `_`, `\\`), so a look-up that transforms its value (iexact on SQLite,
contains, ...) is refused rather than given a real value untransformed. Anything else that
shapes the SQL (a slice, an ordering) must be in `shape`, which is part of the key.
"""

import inspect

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import get_related_populators

# Django 6.1 gives querysets a fetch mode, which instances and their related populators take.
_FETCH_MODE = "fetch_mode" in inspect.signature(get_related_populators).parameters

# Stand-in ids: distinct per list and position, far above the ids a site reaches, and inside
# the range of every integer column they may be compared with (a 32-bit positive integer):
# Django compiles a look-up with a value outside its field's range to "nothing" or
# "everything" instead of a parameter.
_BASE = 1_900_000_000
_STRIDE = 100_000
# Plans kept per Prepared query; past this many (shapes that vary, such as slices), the
# oldest is dropped.
MAX_PLANS = 256


def _stand_in(kind, list_index, position):
    if kind is str:
        return f"\x1eprepared%_\\{list_index}.{position}\x1e"
    return _BASE + list_index * _STRIDE + position


class Prepared:
    def __init__(self, build, *, using=DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._plans = {}

    def rows(self, *values, shape=()):
        """The rows of build(*values, *shape), a values_list() queryset, as tuples."""
        plan, params, connection = self._ready(values, shape)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        return plan.converted(rows, connection)

    def objects(self, *values, shape=()):
        """The model instances of build(*values, *shape), a model queryset, as a QuerySet
        gives them (its select_related() objects attached, its annotations set)."""
        plan, params, connection = self._ready(values, shape)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = plan.converted(cursor.fetchall(), connection)
        return plan.instances(rows, self.using)

    def _ready(self, values, shape):
        values = [list(items) for items in values]
        if any(len(items) >= _STRIDE for items in values):
            raise ValueError(f"Prepared: at most {_STRIDE - 1} values a list")
        kinds = [str if items and type(items[0]) is str else int for items in values]
        connection = connections[self.using]
        key = (
            connection.vendor,
            connection.settings_dict["NAME"],
            tuple(shape),
            *((kind, len(items)) for kind, items in zip(kinds, values, strict=True)),
        )
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) >= MAX_PLANS:
                self._plans.pop(next(iter(self._plans)))
            plan = self._plans[key] = _Plan(self.build, connection, kinds, values, shape)
        params = [
            value if where is None else kind(values[where[0]][where[1]])
            for where, kind, value in plan.slots
        ]
        return plan, params, connection


class _Plan:
    def __init__(self, build, connection, kinds, values, shape):
        stand_ins = [
            [_stand_in(kind, i, j) for j in range(len(items))]
            for i, (kind, items) in enumerate(zip(kinds, values, strict=True))
        ]
        where = {
            value: (i, j) for i, values in enumerate(stand_ins) for j, value in enumerate(values)
        }
        queryset = build(*stand_ins, *shape)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("Prepared: prefetch_related() and related managers are not kept")
        self.fetch_mode = getattr(queryset, "_fetch_mode", None)
        if getattr(self.fetch_mode, "track_peers", False):
            raise ValueError("Prepared: a fetch mode that tracks peers is not kept")
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        # PostgreSQL's backend wraps integers in the column's type (psycopg's Int4, Int8):
        # the real value is wrapped the same way.
        self.slots = [
            (where.get(value) if isinstance(value, int | str) else None, type(value), value)
            for value in params
        ]
        found = {slot for slot, _, _ in self.slots if slot is not None}
        if found != set(where.values()):
            raise ValueError("Prepared: a value did not reach the compiled query as it was given")
        self.select = compiler.select
        self.klass_info = compiler.klass_info
        self.annotation_col_map = compiler.annotation_col_map
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(fields)

    def converted(self, rows, connection):
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in self.converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted

    def instances(self, rows, using):
        """Model instances from the rows, as django.db.models.query.ModelIterable makes them."""
        klass_info = self.klass_info
        if klass_info is None:
            raise ValueError("Prepared.objects() needs a model queryset, not values()")
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in self.select[start:end]]
        extra = {"fetch_mode": self.fetch_mode} if _FETCH_MODE else {}
        populators = get_related_populators(klass_info, self.select, using, **extra)
        objects = []
        for row in rows:
            obj = model.from_db(using, names, row[start:end], **extra)
            for populator in populators:
                populator.populate(row, obj)
            for name, position in (self.annotation_col_map or {}).items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
