from django.test import TestCase


def confirm_import(client, url: str, token: str):
    """Post the preview's token. The job it queues runs eagerly once the request commits,
    as it does with no broker; the response is the redirect to the job's progress page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"token": token})
