"""Turn each check-in's free-text blockers into a blocker row: the same text, raised by the
check-in's author in that check-in, at its time. Open, unassigned, unless the key result's
cycle has closed since (then resolved as of the cycle's close). Reversible: going back puts
the text back on the check-in (several blockers of one check-in, one per line)."""

from django.db import migrations


def forward(apps, schema_editor):
    CheckIn = apps.get_model("goals", "CheckIn")
    Blocker = apps.get_model("goals", "Blocker")
    BlockerEvent = apps.get_model("goals", "BlockerEvent")
    rows = (
        CheckIn.objects.exclude(blockers="")
        .select_related("key_result__cycle")
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    for ci in rows:
        text = ci.blockers.strip()
        if not text:
            continue
        cycle = ci.key_result.cycle
        closed = cycle.state == "closed"
        done_at = cycle.closed_at or ci.recorded_at
        blocker = Blocker.objects.create(
            key_result_id=ci.key_result_id,
            check_in_id=ci.pk,
            text=text,
            raised_by_id=ci.author_id,
            state="resolved" if closed else "open",
            raised_at=ci.recorded_at,
            open_since=ci.recorded_at,
            resolved_at=done_at if closed else None,
            resolution_note="The cycle closed." if closed else "",
            updated_at=done_at if closed else ci.recorded_at,
        )
        BlockerEvent.objects.create(
            blocker=blocker, kind="raised", actor_id=ci.author_id, to_state="open", at=ci.recorded_at
        )
        if closed:
            BlockerEvent.objects.create(
                blocker=blocker,
                kind="state",
                from_state="open",
                to_state="resolved",
                note="The cycle closed.",
                at=done_at,
            )


def backward(apps, schema_editor):
    CheckIn = apps.get_model("goals", "CheckIn")
    Blocker = apps.get_model("goals", "Blocker")
    texts = {}
    for check_in_id, text in (
        Blocker.objects.filter(check_in__isnull=False).order_by("pk").values_list("check_in_id", "text")
    ):
        texts.setdefault(check_in_id, []).append(text)
    for check_in_id, parts in texts.items():
        CheckIn.objects.filter(pk=check_in_id).update(blockers="\n".join(parts))
    Blocker.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("goals", "0006_blockers")]

    operations = [migrations.RunPython(forward, backward)]
