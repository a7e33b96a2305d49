"""Printed letters: visa-support letters, certificates, nameplates, the list of participants.

Owns the drawing (``printing``, ``nameplates``), the letter and nameplate pages of the admin
(``admin``, ``nameplate_admin``) and the public pages of delegations and participants
(``public_views``, ``public_urls``), whose PDF is the list of participants.

May import: ``conference``, the participants core and itself.
"""
