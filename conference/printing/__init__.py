"""What every printed document shares: the Cyrillic font, the letterhead and the page furniture.

Badges, letters, certificates, lists, outcome documents, nameplates and seating plans are all
drawn with reportlab in DejaVu Sans (shipped in ``fonts/`` with its licence), so a Russian name
prints the same on every machine, whatever fonts the system has.
"""
