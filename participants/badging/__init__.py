"""Badges and the door: layouts and printing, the QR signature, the desk, zones and scans.

Owns the badge PDF (``printing``), the Ed25519 QR signature (``signing``), the re-entry rules
(``door``), the check-in desk under /desk/ (``views``, ``urls``), scanner devices and the
badge pages of the participant admin (``admin``).

May import: ``conference``, the participants core and itself.
"""
