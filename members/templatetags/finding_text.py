"""{{ finding|in_page_language }}: a refusal or warning (`message_ja` / `message_en`) in the page's language only.

The API answers carry both languages; a staff page shows the one its reader chose, without the rule's code.
"""

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def in_page_language(finding: Any) -> str:
    key = "message_en" if (get_language() or "ja").startswith("en") else "message_ja"
    value = finding.get(key) if isinstance(finding, Mapping) else getattr(finding, key, None)
    return str(value or "")
