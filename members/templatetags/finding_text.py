"""{{ finding|in_page_language }}: a refusal or warning (`message_ja` / `message_en`) in the page's language only."""

from typing import Any

from django import template

from infra import i18n

register = template.Library()


@register.filter
def in_page_language(finding: Any) -> str:
    return i18n.in_page_language(finding)
