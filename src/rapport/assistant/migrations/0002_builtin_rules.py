"""Install the built-in phrase rules (en, ru, zh-hans, sr) on every installation."""

from django.db import migrations


def install(apps, schema_editor):
    from rapport.assistant.builtin_rules import install_builtin_rules

    install_builtin_rules(apps.get_model("assistant", "PhraseRule"))


def uninstall(apps, schema_editor):
    apps.get_model("assistant", "PhraseRule").objects.filter(is_builtin=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("assistant", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
