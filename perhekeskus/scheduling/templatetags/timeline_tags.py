"""``{% pos left width %}``: the position classes of a timeline box (``timeline.pos_class``)."""

from django import template

from perhekeskus.scheduling.timeline import pos_class

register = template.Library()


@register.simple_tag
def pos(left, width=None) -> str:
    return pos_class(left, width)


@register.simple_tag
def day_pos(index, days) -> str:
    """The position classes of day ``index`` of ``days`` on the timeline's scale."""
    return pos_class(100 * int(index) / int(days), 100 / int(days))
