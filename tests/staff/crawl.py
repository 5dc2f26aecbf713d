"""Every admin page a staff user can reach, found by following the links from the admin index (issue #16).

Pages are keyed by their path with ids replaced (one change page per model, one page per work list); query strings
do not make a new page. Downloads, logout, language switch and deletions are not followed.
"""

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.test import Client

ADMIN = f"/{settings.ADMIN_URL}"
NOT_FOLLOWED = re.compile(r"/(logout|jsi18n|delete|autocomplete|r)/|/i18n/|[?&]_(popup|to_field)=")


def page_key(url: str) -> str:
    return re.sub(r"/\d+(?=/)", "/N", urlsplit(url).path)


def staff_pages(client: Client, *, limit: int = 400) -> dict[str, tuple[str, str]]:
    """{page key: (url, html)} of every HTML page reachable from the admin index."""
    pages: dict[str, tuple[str, str]] = {}
    queue, queued = [ADMIN], {page_key(ADMIN)}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[page_key(url)] = (url, html)
        for href in lxml.html.fromstring(html).xpath("//a/@href"):
            target = urljoin(url, href.split("#")[0])
            if not target.startswith(ADMIN) or NOT_FOLLOWED.search(target):
                continue
            key = page_key(target)
            if key not in queued:
                queued.add(key)
                queue.append(target)
    return pages
