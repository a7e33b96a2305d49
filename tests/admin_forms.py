"""Submitting a Django admin change form as an organizer would, then reading a public page."""

import lxml.html
from django.urls import reverse


def change_form_data(client, url: str, **changes) -> dict[str, list[str]]:
    """The admin change form at ``url`` with every field as rendered, ``changes`` applied.

    A list value replaces a multi-valued field (a select multiple) entirely.
    """
    page = client.get(url)
    assert page.status_code == 200
    form = next(
        # Decoded first: from bytes lxml may read a Cyrillic value as Latin-1.
        f
        for f in lxml.html.fromstring(page.content.decode()).forms
        if f.get("id", "").endswith("_form")
    )
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


def submit_change_form(client, url: str, **changes) -> None:
    """Post the admin change form at ``url`` as rendered, ``changes`` applied; it must save."""
    response = client.post(url, change_form_data(client, url, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def public_page(client, name: str, *args) -> str:
    return client.get(reverse(name, args=args)).content.decode()
