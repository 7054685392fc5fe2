from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data():
    return DATA


@pytest.fixture
def run(db):
    """Run a management command; returns what it printed on stdout."""

    def run_command(*args, **options):
        out = StringIO()
        call_command(*args, stdout=out, stderr=StringIO(), **options)
        return out.getvalue()

    return run_command


@pytest.fixture
def newsroom(run, data):
    """The WordPress fixture imported once; returns the importer's summary."""
    return run("import_wordpress", str(data / "newsroom.wxr.xml"))
