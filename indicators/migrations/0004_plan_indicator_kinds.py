"""The 2022-2025 plan's five named indicators, in a database loaded before issue 21, get the
kind the plan's data now gives them (``load_plan`` sets the kind on creation only, so that an
administrator's later choice survives a reload). Only rows still at the kind the old data gave
are changed; the groups are created empty, as ``load_plan`` creates them."""

from django.db import migrations

RANKED = {
    "rd-intensity": ("numeric", "东北地区地级城市", False),
    "fiscal-st-share": ("numeric", "东北地区地级城市", False),
    "national-hte": ("numeric", "东北地区地级城市", False),
    "business-env-overall": ("qualitative", "全国地级市", True),
}


def forwards(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    PeerGroup = apps.get_model("indicators", "PeerGroup")
    plan_rows = Indicator.objects.filter(plan__code="2022-2025")
    for code, (old_kind, group_name, published) in RANKED.items():
        for indicator in plan_rows.filter(code=code, kind=old_kind, peer_group=None):
            group, _created = PeerGroup.objects.get_or_create(name=group_name)
            indicator.kind, indicator.peer_group, indicator.published_ranks = "rank", group, published
            indicator.save(update_fields=["kind", "peer_group", "published_ranks"])
    plan_rows.filter(code="business-env-main", kind="qualitative").update(kind="milestone")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_peer_groups_and_milestones"), ("plan", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
