"""What the import commands share: the dry run, the progress bar and the error line.

A dry run does the whole import inside one transaction and rolls it back, so its summary is
exactly what a real run would print; it holds the locks a real run takes post by post
(SQLite's write lock, PostgreSQL's new-thread advisory lock) until it ends.
The progress bar (tqdm) is drawn on stderr only when stderr is a terminal.
"""

import sys
from contextlib import contextmanager

from django.core.management.base import CommandError
from django.db import transaction
from tqdm import tqdm

from .xmlfile import ExportFileError


class _DryRun(Exception):
    pass


@contextmanager
def maybe_dry_run(dry_run):
    if not dry_run:
        yield
        return
    try:
        with transaction.atomic():
            yield
            raise _DryRun
    except _DryRun:
        pass


@contextmanager
def progress_bar(total, label):
    bar = tqdm(
        total=total, desc=label, unit=" items", file=sys.stderr, disable=not sys.stderr.isatty()
    )
    try:
        yield bar
    finally:
        bar.close()


@contextmanager
def clear_errors(path):
    """Turn a bad file into one CommandError line (manage.py exits non-zero)."""
    try:
        yield
    except ExportFileError as exc:
        raise CommandError(f"{path}: {exc}; nothing more was imported.") from exc


def print_summary(command, summary, *, dry_run, verbosity):
    if dry_run:
        summary.notes.append("Dry run: nothing was written.")
    for line in summary.lines(verbose=verbosity >= 2):
        command.stdout.write(line)
