"""Writes of workers, families and persons."""

from __future__ import annotations

from django.db import transaction

from perhekeskus.scheduling.models import Resource

from .models import Worker


def worker_create(**fields) -> Worker:
    """Create a worker together with the resource through which it is booked."""
    languages = fields.pop("languages", ())
    competences = fields.pop("competences", ())
    with transaction.atomic():
        resource = Resource.objects.create(
            kind=Resource.Kind.WORKER, name=f"{fields['first_name']} {fields['last_name']}"
        )
        worker = Worker.objects.create(resource=resource, **fields)
        if languages:
            worker.languages.set(languages)
        if competences:
            worker.competences.set(competences)
    return worker
