"""Identity data: passport details, badge photos, the identity access log and the shredder.

Owns the photo checks and re-encoding (``photos``), the retention shredder (``services``) and
the audit pages of the access log, the shredder's runs and the data held (``admin``). Who
viewed or exported identity data is recorded by the core's ``identity_*_record`` services,
which every room that reads identity data calls. Identity data never reaches a public
page, a log line or an unauthenticated URL.

May import: ``conference``, the participants core (top-level modules and ``accreditation``)
and itself. Never another concern.
"""
