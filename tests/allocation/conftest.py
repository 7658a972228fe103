import pytest


@pytest.fixture(autouse=True)
def _no_public_holidays(request):
    """The allocation tests run on today's calendar without public holidays (the root
    conftest's ``no_public_holidays``), except those marked ``holidays``."""
    if "holidays" not in request.keywords:
        request.getfixturevalue("no_public_holidays")
