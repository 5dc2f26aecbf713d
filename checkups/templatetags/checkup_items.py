"""{{ code|item_name }}: a checkup item as staff read it (収縮期血圧(1回目)), the code only when the table lacks it."""

from django import template

from checkups.mhlw.itemtable import item

register = template.Library()


@register.filter
def item_name(code: str) -> str:
    definition = item(code) or item(code, 3)
    return definition.name if definition else code
