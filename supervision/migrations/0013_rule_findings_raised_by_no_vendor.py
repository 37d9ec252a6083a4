"""A fee rule's finding was recorded as raised by the vendor user whose submission the rule checked; the
rule raised it (fees.workflow no longer passes the submitter), so those findings name no person."""

from django.db import migrations

FEE_RULE_KINDS = ("overcharge", "prohibited_fee", "repeated_charge")


def forget_the_submitter(apps, schema_editor):
    Finding = apps.get_model("supervision", "Finding")
    Finding.objects.filter(kind__in=FEE_RULE_KINDS, raised_by__role="vendor_user").update(raised_by=None)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0012_letters_and_reports"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(forget_the_submitter, migrations.RunPython.noop)]
