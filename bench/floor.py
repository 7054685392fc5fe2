"""The floor: the physical limit the benchmark compares the site with (bench/run.py).

The floor keeps the post's comments in a table of its own (copy_table), the plain schema a
comment table starts with: one row per comment with its tree columns, author, text and the
text's HTML rendered on save (by comments.formatting, as the site shows it), indexed only on
the id and the tree columns.

Its page: the public rows fetched with one raw SQL query and the page built with html.escape
and str.join only (no ORM, no templates): a nested <article> per comment with the author's
name, a <time>, the body HTML, a Reply link and the replies wrappers.
Its insert: the raw nested-set insert, in one transaction: read the parent, one UPDATE that
opens a gap in that tree, one INSERT.
"""

from html import escape

from django.db import connection, transaction

FLOOR_TABLE = "bench_floor_comment"
_COLUMNS = (
    "id, post_id, parent_id, tree_id, lft, rght, level, name, email, body, body_html, "
    "status, created_at"
)
# What is copied from the site's table (body_html is rendered from body).
_COPIED = "id, post_id, parent_id, tree_id, lft, rght, level, name, email, body, status, created_at"


def _table():
    from comments.models import Comment

    return Comment._meta.db_table


def _iso(value):
    return value if isinstance(value, str) else value.isoformat()


def render_page(post_id, title):
    """The whole discussion of a post as a UTF-8 HTML page, from one raw query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, tree_id, lft, rght, name, created_at, body_html FROM {FLOOR_TABLE} "
            "WHERE post_id = %s AND status = %s ORDER BY tree_id, lft",
            [post_id, "approved"],
        )
        rows = cursor.fetchall()
    out = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>',
        escape(title),
        "</title></head><body><main><h1>",
        escape(title),
        '</h1><section id="comments">',
    ]
    append = out.append
    stack = []  # rght of the ancestors whose replies wrapper is open, innermost last
    previous = None  # (tree_id, rght) of the comment drawn last
    for pk, tree_id, lft, rght, name, created_at, body_html in rows:
        if previous is not None:
            if previous[0] == tree_id and lft < previous[1]:
                append('<div class="comment-replies">')
                stack.append(previous[1])
            else:
                append("</article>")
                while stack and (previous[0] != tree_id or stack[-1] < lft):
                    stack.pop()
                    append("</div></article>")
        iso = escape(_iso(created_at))
        append(
            f'<article id="comment-{pk}" class="comment"><header><h3>'
            f'{escape(name or "Anonymous")}</h3> <time datetime="{iso}">{iso}</time></header>'
            f'<div class="comment-text">{body_html}</div>'
            f'<a class="comment-reply" href="?replyto={pk}#respond">Reply</a>'
        )
        previous = (tree_id, rght)
    if previous is not None:
        append("</article>")
        append("</div></article>" * len(stack))
    append("</section></main></body></html>")
    return "".join(out).encode()


def copy_table(post_id):
    """Copy a post's comments into the floor's own table (dropped first if it exists), the
    indexes built after the rows. The rows go in in the order of their ids, as they lie in
    the site's table (in the order they were posted): stored in thread order, a reply's shift
    would rewrite fewer pages than any site that takes comments as they come can.
    Returns the site's largest comment id."""
    from comments.formatting import render_comment_body

    timestamp = "timestamp with time zone" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(
            f"CREATE TABLE {FLOOR_TABLE} (id bigint, post_id bigint, parent_id bigint, "
            "tree_id integer, lft integer, rght integer, level integer, name text, "
            f"email text, body text, body_html text, status text, created_at {timestamp})"
        )
        cursor.execute(
            f"SELECT {_COPIED} FROM {_table()} WHERE post_id = %s ORDER BY id",
            [post_id],
        )
        rows = [
            (*row[:10], render_comment_body(row[9]), row[10], _stored_time(row[11]))
            for row in cursor.fetchall()
        ]
        marks = ", ".join(["%s"] * 13)
        for start in range(0, len(rows), 1000):
            cursor.executemany(
                f"INSERT INTO {FLOOR_TABLE} ({_COLUMNS}) VALUES ({marks})",
                rows[start : start + 1000],
            )
        cursor.execute(f"CREATE UNIQUE INDEX {FLOOR_TABLE}_pk ON {FLOOR_TABLE} (id)")
        cursor.execute(f"CREATE INDEX {FLOOR_TABLE}_tree ON {FLOOR_TABLE} (tree_id, lft)")
        cursor.execute(f"CREATE INDEX {FLOOR_TABLE}_post ON {FLOOR_TABLE} (post_id, tree_id, lft)")
        cursor.execute(f"SELECT MAX(id) FROM {_table()}")
        return cursor.fetchone()[0] or 0


def _stored_time(value):
    """A time as the floor's table takes it: as is on PostgreSQL, ISO text on SQLite."""
    return value if connection.vendor == "postgresql" else _iso(value)


def insert(pk, *, post_id, parent_id, name, email, body, created_at, max_depth):
    """The raw nested-set insert of one comment as the last child of `parent_id` (or as a
    new tree), in one transaction; at the depth cap it goes beside its parent, as ours."""
    body_html = "".join(f"<p>{escape(part)}</p>" for part in body.split("\n\n"))
    with transaction.atomic(), connection.cursor() as cursor:
        if parent_id is None:
            cursor.execute(f"SELECT COALESCE(MAX(tree_id), 0) + 1 FROM {FLOOR_TABLE}")
            tree_id, lft, level = cursor.fetchone()[0], 1, 0
        else:
            cursor.execute(
                f"SELECT tree_id, rght, level, parent_id FROM {FLOOR_TABLE} WHERE id = %s",
                [parent_id],
            )
            tree_id, rght, level, grandparent = cursor.fetchone()
            if level + 1 >= max_depth:
                parent_id = grandparent
                cursor.execute(
                    f"SELECT tree_id, rght, level FROM {FLOOR_TABLE} WHERE id = %s", [parent_id]
                )
                tree_id, rght, level = cursor.fetchone()
            cursor.execute(
                f"UPDATE {FLOOR_TABLE} SET lft = CASE WHEN lft > %s THEN lft + 2 ELSE lft END, "
                "rght = rght + 2 WHERE tree_id = %s AND rght >= %s",
                [rght, tree_id, rght],
            )
            lft, level = rght, level + 1
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} ({_COLUMNS}) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                pk,
                post_id,
                parent_id,
                tree_id,
                lft,
                lft + 1,
                level,
                name,
                email,
                body,
                body_html,
                "approved",
                created_at,
            ],
        )
