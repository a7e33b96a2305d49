"""The partners' API: REST endpoints under /api/v1/, tokens, webhooks.

It stands above every domain app (conference, participants, sessions, documents): it may
import all of them, none of them imports it. The domain services announce their events
through ``conference.events``; ``apps.ApiConfig.ready`` subscribes the webhooks to them.
"""
