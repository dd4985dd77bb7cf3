"""The standard template asked the manager review the self review's questions ("What was in
your control?"). Each such question, where it is still asked of both, becomes two: the self
review keeps it, and the manager review gets its own wording ("What was in their control?")
at the same place in the form. In review cycles already made, the manager reviews' answers
(and the amendments that name them) move to the manager's question, so nothing is lost."""

from django.db import migrations

# The standard template's questions worded for the person, and the manager's version.
SPLIT = {
    "What was in your control, and what was not?": (
        "What was in their control, and what was not?",
        "Separate their effort and decisions from the market, dependencies and luck.",
    ),
    "What did you learn, and what would you do differently?": (
        "What did they learn, and what should they do differently next time?",
        "",
    ),
    "What will you grow next quarter, and which OKRs will you take on?": (
        "What should they grow next quarter, and which OKRs should they take on?",
        "Draft their next quarter's individual OKRs from next quarter's team OKRs, together.",
    ),
}
FIELDS = ("position", "section", "kind", "required")


def _manager_copy(model, question, owner_field):
    text, help_text = SPLIT[question.text]
    values = {f: getattr(question, f) for f in FIELDS}
    values[owner_field] = getattr(question, owner_field)
    return model.objects.create(
        **values,
        text=text,
        help_text=help_text or question.help_text,
        for_self=False,
        for_manager=True,
        for_peer=False,
        for_upward=False,
    )


def split(apps, schema_editor):
    TemplateQuestion = apps.get_model("reviews", "TemplateQuestion")
    CycleQuestion = apps.get_model("reviews", "CycleQuestion")
    Answer = apps.get_model("reviews", "Answer")
    Amendment = apps.get_model("reviews", "Amendment")
    shared = {"text__in": list(SPLIT), "for_self": True, "for_manager": True}
    for question in TemplateQuestion.objects.filter(**shared):
        _manager_copy(TemplateQuestion, question, "template_id")
        TemplateQuestion.objects.filter(pk=question.pk).update(for_manager=False)
    for question in CycleQuestion.objects.filter(**shared):
        copy = _manager_copy(CycleQuestion, question, "review_cycle_id")
        CycleQuestion.objects.filter(pk=question.pk).update(for_manager=False)
        Answer.objects.filter(question=question, feedback__kind="manager").update(question=copy)
        for part in ("text", "rating"):
            Amendment.objects.filter(
                feedback__kind="manager", field=f"answer:{question.pk}:{part}"
            ).update(field=f"answer:{copy.pk}:{part}")


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0004_private_forward_drafts"),
    ]

    operations = [
        migrations.RunPython(split, migrations.RunPython.noop),
    ]
