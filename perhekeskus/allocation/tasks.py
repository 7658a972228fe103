"""Allocation's background tasks (django-tasks): a queue proposal is solved outside the
request, by the task worker (`manage.py db_worker`), never in the web process."""

from django.utils import translation
from django_tasks import task

from . import proposals


@task()
def solve_proposal(proposal_id: int, language: str = "fi") -> None:
    with translation.override(language):
        proposals.run(proposal_id)
