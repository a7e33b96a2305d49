"""Stored files (photos, notes verbales, logos, generated files): gone when nothing names them.

The storage is the server's disk or, with AWS_STORAGE_BUCKET_NAME set, an S3 bucket shared by
every app server (settings.object_storage); either way a replaced file and the file of a
deleted row are deleted from it once the transaction commits. A rollback keeps them.
"""

from django.db import models, transaction
from django.db.models.signals import post_delete


def _delete_after_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


def delete_replaced_files(instance: models.Model, *field_names: str) -> None:
    """Before ``instance`` is saved: delete the files it no longer points at, after the commit.

    A rollback keeps the old file, and a file another row still names is kept.
    """
    if instance.pk is None:
        return
    # Only a new upload or a cleared field can replace a file; other saves cost no query.
    changing = [
        name
        for name in field_names
        if not getattr(instance, name).name or not getattr(instance, name)._committed
    ]
    if not changing:
        return
    model = type(instance)
    stored = model.objects.filter(pk=instance.pk).values(*changing).first() or {}
    for name, old in stored.items():
        if not old or old == getattr(instance, name).name:
            continue
        if model.objects.filter(**{name: old}).exclude(pk=instance.pk).exists():
            continue
        _delete_after_commit(getattr(instance, name).storage, old)


def delete_files_with_rows(model: type[models.Model], *field_names: str) -> None:
    """When a row of ``model`` is deleted (a cascade too), delete its files after the commit."""

    def deleted(sender, instance, **kwargs) -> None:
        for name in field_names:
            field_file = getattr(instance, name)
            if not field_file.name:
                continue
            if model._base_manager.filter(**{name: field_file.name}).exists():
                continue  # another row still names it
            _delete_after_commit(field_file.storage, field_file.name)

    post_delete.connect(
        deleted, sender=model, weak=False, dispatch_uid=f"files-{model._meta.label}"
    )
