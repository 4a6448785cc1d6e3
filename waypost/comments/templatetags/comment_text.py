from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from waypost.comments.text import render_plain_text

register = template.Library()


@register.simple_tag
def plain_text(text: str) -> SafeString:
    return render_plain_text(text)
