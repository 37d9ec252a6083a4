"""A certificate's chain keeps what is wrong with it as a code (``chain_reason``), which pages and the API
show as a sentence in the user's language, instead of an English sentence (``chain_detail``)."""

from django.db import migrations, models

# The English sentences of certificates.x509.verify before the codes, by what they contain.
SENTENCES = [
    ("chain too long", "too_long"),
    ("the self-signature of", "self_signature"),
    ("the signature of", "signature"),
    ("form a loop", "loop"),
    ("no issuer for", "no_issuer"),
    ("expired on", "expired"),
    ("is valid only from", "not_yet_valid"),
]


def sentence_to_code(apps, schema_editor):
    for name in ("CACertificate", "HistoricalCACertificate"):
        model = apps.get_model("certificates", name)
        for text, code in SENTENCES:
            model.objects.filter(chain_reason__contains=text).update(chain_reason=code)
        model.objects.exclude(chain_reason__in=[code for _text, code in SENTENCES]).update(chain_reason="")


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_claims")]

    operations = [
        migrations.RenameField("cacertificate", "chain_detail", "chain_reason"),
        migrations.RenameField("historicalcacertificate", "chain_detail", "chain_reason"),
        migrations.RunPython(sentence_to_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="cacertificate",
            name="chain_reason",
            field=models.CharField(
                blank=True,
                help_text="A code (certificates.x509.verify.REASONS); pages and the API show chain_detail, its sentence.",
                max_length=20,
                verbose_name="what is wrong with the chain",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcacertificate",
            name="chain_reason",
            field=models.CharField(
                blank=True,
                help_text="A code (certificates.x509.verify.REASONS); pages and the API show chain_detail, its sentence.",
                max_length=20,
                verbose_name="what is wrong with the chain",
            ),
        ),
    ]
