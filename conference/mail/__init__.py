"""Mail: templates the organizers edit, an outbox that keeps every message, a queue that sends.

The apps declare what they mail (``kinds.register``) and write messages with
``services.outbox_write`` inside their own transaction; a Celery task sends each one after the
commit, and the sweeper sends whatever the queue never got.
"""
