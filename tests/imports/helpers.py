from django.test import TestCase


def upload_import(client, url: str, data: dict):
    """Post a file to the import page. Its check runs eagerly once the request commits, as it
    does with no broker; the response is the job's page, or the form's page with its errors."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    if response.status_code != 302:
        return response
    assert response["Location"].startswith(f"{url}?job=")
    return client.get(response["Location"])


def confirm_import(client, url: str, job):
    """Confirm the job's preview. The import it queues runs eagerly once the request commits,
    as it does with no broker; the response is the redirect to the job's page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"job": job.pk})
