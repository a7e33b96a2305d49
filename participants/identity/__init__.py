"""Identity data: passport details, badge photos, the identity access log and the shredder.

Owns the photo checks and re-encoding (``photos``), the recording of who viewed or exported
identity data, and the retention shredder (``services``). Identity data never reaches a public
page, a log line or an unauthenticated URL.

May import: ``conference``, the participants core (top-level modules and ``accreditation``)
and itself. Never another concern.
"""
