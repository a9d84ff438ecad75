"""A batch holds its year's whole table: the year's values are its latest batch's.

Before, a year had one row per place, moved to whichever batch last wrote it, so a year's
values could lie in several batches. Each such year's rows move to its newest batch holding any
of them (the table as it stood); the approved figures then show that batch's values once it is
approved. Older batches keep their history."""

from django.db import migrations, models


def one_batch_per_year(apps, schema_editor):
    PeerValue = apps.get_model("indicators", "PeerValue")
    newest = {}
    for indicator_id, year, batch_id in PeerValue.objects.values_list(
        "indicator_id", "year", "batch_id"
    ):
        key = (indicator_id, year)
        newest[key] = max(newest.get(key, batch_id), batch_id)
    for (indicator_id, year), batch_id in newest.items():
        PeerValue.objects.filter(indicator_id=indicator_id, year=year).exclude(
            batch_id=batch_id
        ).update(batch_id=batch_id)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_peer_member_history"),
    ]

    operations = [
        migrations.RunPython(one_batch_per_year, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="peervalue",
            name="unique_peer_value_per_year",
        ),
        migrations.AddIndex(
            model_name="peervalue",
            index=models.Index(fields=["indicator", "year"], name="peer_value_indicator_year"),
        ),
        migrations.AddConstraint(
            model_name="peervalue",
            constraint=models.UniqueConstraint(
                fields=("batch", "place"), name="unique_peer_value_per_batch"
            ),
        ),
    ]
