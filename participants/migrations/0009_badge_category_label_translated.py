from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Coalesce


def label_from_english(apps, schema_editor):
    """The printed label becomes one translated field: label_en and label_ru keep their values
    (they are its translations now) and the field itself holds the English one, as ``name`` does."""
    BadgeCategory = apps.get_model("participants", "BadgeCategory")
    BadgeCategory.objects.update(label=Coalesce("label_en", Value("")))


def labels_not_null(apps, schema_editor):
    """Back to two plain fields, which hold no NULL: an empty translation is an empty label."""
    BadgeCategory = apps.get_model("participants", "BadgeCategory")
    BadgeCategory.objects.update(
        label_en=Coalesce("label_en", Value("")), label_ru=Coalesce("label_ru", Value(""))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0008_desk_name_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="badgecategory",
            name="label",
            field=models.CharField(
                blank=True,
                help_text="Empty: the name.",
                max_length=40,
                verbose_name="printed label",
            ),
        ),
        migrations.AlterField(
            model_name="badgecategory",
            name="label_en",
            field=models.CharField(
                blank=True,
                help_text="Empty: the name.",
                max_length=40,
                null=True,
                verbose_name="printed label",
            ),
        ),
        migrations.AlterField(
            model_name="badgecategory",
            name="label_ru",
            field=models.CharField(
                blank=True,
                help_text="Empty: the name.",
                max_length=40,
                null=True,
                verbose_name="printed label",
            ),
        ),
        migrations.RunPython(label_from_english, labels_not_null),
    ]
