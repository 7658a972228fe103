"""Every choice by id in the project's forms refuses an id the database cannot hold
with a form error, not a database error: each such field is one of perhekeskus.fields'
(an overflowing unit id in the report filters answered 500 on SQLite)."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import perhekeskus
from perhekeskus.fields import SafeModelChoiceField, SafeModelMultipleChoiceField


def project_forms():
    for info in pkgutil.walk_packages(perhekeskus.__path__, "perhekeskus."):
        if not info.name.endswith(".forms"):
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_the_project_has_forms_to_check():
    assert len(list(project_forms())) >= 20


@pytest.mark.parametrize("form", list(project_forms()), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_model_choice_is_safe(form):
    for name, field in form.base_fields.items():
        if isinstance(field, forms.ModelMultipleChoiceField):
            assert isinstance(field, SafeModelMultipleChoiceField), name
        elif isinstance(field, forms.ModelChoiceField):
            assert isinstance(field, SafeModelChoiceField), name


@pytest.mark.django_db
def test_an_overflowing_id_in_the_report_filters_is_a_form_error(client):
    from rest_framework.test import APIClient

    from perhekeskus.people.roles import MANAGER
    from tests.factories import make_user

    api = APIClient()
    api.force_authenticate(make_user("johtaja", MANAGER))
    r = api.get("/api/reports/rows/", {"worker": "4589438", "unit": "61617500181402978053259264"})
    assert r.status_code == 400 and "unit" in r.json()
    r = api.get("/api/reports/family_hours/", {"organisation": "9" * 30})
    assert r.status_code == 400 and "organisation" in r.json()
