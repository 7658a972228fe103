"""Form fields every app's forms share: choices by id that refuse an id the database
could not even compare (too large, not a whole number) with the field's usual "not one of
the choices" error, instead of a database error (an overflowing id answered 500 on
SQLite: the API fuzzer found it in the report filters). Every model choice in the
project's forms is one of these (tests/test_forms_safe.py)."""

from __future__ import annotations

from django import forms

from perhekeskus.api import MAX_ID  # the largest id the databases hold (one definition)


def valid_id(value) -> bool:
    """Empty, or a whole number the database can hold as an id."""
    if value in (None, ""):
        return True
    if hasattr(value, "pk"):  # a model instance given as initial data
        return True
    text = str(value).strip()
    return text.isdecimal() and len(text) <= 19 and int(text) <= MAX_ID


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if not valid_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if any(not valid_id(v) for v in value):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return super()._check_values(value)
