"""The consultant regulation was transcribed «۲۰۶۳۷/۲۰۶۳۷/۲۸۴۳۷» in service 4's statement, as the seed's
line 242 garbles it; its number is 20637/ت28437هـ (seed line 259, SERVICES.md §11). A transcription
error, not an amendment: the stored statements that carry it are corrected in place (issue 17 point 11).
"""
from django.db import migrations

# Stored text has ASCII digits and no tatweel (core.text.normalize_text); both spellings are covered.
GARBLED = ("20637/20637/28437", "۲۰۶۳۷/۲۰۶۳۷/۲۸۴۳۷")
CORRECT = "20637/ت28437ه"


def correct(apps, schema_editor):
    SlaStatement = apps.get_model("catalog", "SlaStatement")
    for garbled in GARBLED:
        for statement in SlaStatement.objects.filter(responsibility__contains=garbled):
            statement.responsibility = statement.responsibility.replace(garbled, CORRECT)
            statement.save(update_fields=["responsibility"])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_legal_reference_subject_optional"),
    ]

    operations = [
        migrations.RunPython(correct, migrations.RunPython.noop),
    ]
