from django.db import migrations

LOCALES = [
    ("en", "English", 0),
    ("ru", "Русский", 1),
    ("zh-hans", "中文", 2),
    ("sr", "Српски", 3),
]


def create_locales(apps, schema_editor):
    KnowledgeLocale = apps.get_model("knowledge", "KnowledgeLocale")
    for code, name, position in LOCALES:
        KnowledgeLocale.objects.get_or_create(
            code=code, defaults={"name": name, "position": position, "enabled": True}
        )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]
