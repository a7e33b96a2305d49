"""The public site's shell, shared by every app's public pages.

- ``caching``: the versioned page cache; decorate a public view with
  ``cached_conference_page`` (pages under ``/<conference>/``) or ``cached_site_page``.
- ``publishing``: ``public_pages_invalidate``, the one way to say "public content of
  these conferences changed"; services call it after a write that the public can see.
- ``early`` and ``ready``: a cached page answered before the session middleware, and under
  gunicorn a ready copy of that answer before Django; both need nothing from a new page.
- ``views`` and ``urls``: the list of conferences, a conference's home, the language switch.
- templates under ``templates/site/``: ``site/base.html`` is the base of every public page.

To add a public page: write the view in its app's ``views.py``, decorate it with
``cached_conference_page``, extend ``site/base.html``, and make every service that
changes what the page shows call ``public_pages_invalidate``.
"""
