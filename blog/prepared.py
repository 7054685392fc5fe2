"""Row querysets compiled to SQL once per process, then run again with other ids.

Building and compiling a queryset costs more than running it when the query is small: the
UNION ALL that reads a post page's terms with the site's settings, links and menu
(blog/site.py) cost 1.2 ms to compile and 0.3 ms to run, on every cold page. A Prepared
query is built once per database and number of ids, with stand-in ids, from a function of
lists of ids that returns a values_list() queryset; its SQL is kept, and each run puts the
real ids where the stand-ins were. The rows are converted as Django converts them.
"""

from django.db import DEFAULT_DB_ALIAS, connections

# Stand-in ids: negative, far from any real key, distinct per list and position.
_BASE = -(10**15)
_STRIDE = 10**6


def _stand_in(list_index, position):
    return _BASE - list_index * _STRIDE - position


class Prepared:
    def __init__(self, build, *, using=DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._plans = {}

    def rows(self, *id_lists):
        """The rows of build(*id_lists), as values_list() tuples."""
        id_lists = [list(ids) for ids in id_lists]
        connection = connections[self.using]
        key = (connection.vendor, connection.settings_dict["NAME"], *map(len, id_lists))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(connection, [len(ids) for ids in id_lists])
        sql, slots, converters = plan
        params = [
            value if where is None else id_lists[where[0]][where[1]] for where, value in slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted

    def _plan(self, connection, lengths):
        stand_ins = [[_stand_in(i, j) for j in range(n)] for i, n in enumerate(lengths)]
        where = {
            value: (i, j) for i, values in enumerate(stand_ins) for j, value in enumerate(values)
        }
        compiler = self.build(*stand_ins).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = [(where.get(value) if type(value) is int else None, value) for value in params]
        found = {slot for slot, _ in slots if slot is not None}
        if found != set(where.values()):
            raise ValueError("Prepared: an id did not reach the compiled query as it was given")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return sql, slots, compiler.get_converters(fields)
