"""The participant CSV import: parse, plan every row, confirm, run in a worker.

Owns the import's services, its admin pages (``admin``) and its queued tasks (``tasks``, whose
Celery names stay ``participants.tasks.*``).

May import: ``conference``, the participants core and itself.
"""
