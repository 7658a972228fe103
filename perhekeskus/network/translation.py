"""Fields kept in Finnish, Swedish and English (django-modeltranslation): the public
texts of meeting places and their programme."""

from modeltranslation.translator import TranslationOptions, register

from .models import MeetingPlace, ProgrammeItem


@register(MeetingPlace)
class MeetingPlaceTranslation(TranslationOptions):
    fields = ("name", "description", "accessibility")


@register(ProgrammeItem)
class ProgrammeItemTranslation(TranslationOptions):
    fields = ("title", "description")
