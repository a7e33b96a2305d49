"""The accreditation core: delegations, participants, their transitions, quotas and rules.

Owns the writes (``services``) and careful reads (``selectors``) of delegations and
participants, the nomination link, circulars, the organizer roles, the e-mails to focal points
and participants, and the CSV exports about people.

May import: ``conference``, the participants top-level modules (``models``, ``enums``,
``uploads``) and itself. Never a concern (``identity``, ``portal``, ``badging``, ``letters``,
``imports``): they stand on the core, not the other way round (tests/test_architecture.py).
"""
