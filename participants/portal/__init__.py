"""The focal point's pages under /nominate/: no account, reached through a signed link.

Owns the portal's views, URLs and forms. Writes go through the core's services and the
identity concern's photo checks.

May import: ``conference``, the participants core, ``identity`` (photos) and ``letters`` (a
member's visa letter). Nothing imports the portal but the project's URLs.
"""
