"""Audit entries get a MAC; the entries written before it are sealed by one checkpoint.

Why the existing rows get no MAC: a MAC says "this row is as it was written, signed by a
holder of the audit key at the time". Computing MACs now for rows written months ago
would say that of rows nobody signed, including any row a database writer already edited
and re-hashed: the backfill would launder that tampering into signed history, and no
later check could tell the rows apart.

What is true, and what this migration records instead, is "the chain stood like this when
signing began": one signed checkpoint of each chain's head, in the media store
(core.checkpoints). Verification still recomputes every SHA-256 link from the first entry,
accepts an entry without a MAC only at or before a checkpoint that matches the chain, and
from here on every new entry is signed. So the old rows are as trustworthy as the plain
hash chain made them (no more), and nothing written after today can be rewritten unseen.
"""

from django.db import migrations, models
from django.db.models import Max


def seal_existing_chains(apps, schema_editor):
    from openctpat.core.checkpoints import Checkpoint, save

    AuditEntry = apps.get_model("core", "AuditEntry")
    heads = AuditEntry.objects.values("chain").annotate(head=Max("seq")).order_by("chain")
    for row in heads:
        entry = AuditEntry.objects.get(chain=row["chain"], seq=row["head"])
        save(Checkpoint.sign(entry.chain, entry.seq, entry.hash))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.RunPython(seal_existing_chains, migrations.RunPython.noop),
    ]
