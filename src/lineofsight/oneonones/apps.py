from django.apps import AppConfig


class OneOnOnesConfig(AppConfig):
    name = "lineofsight.oneonones"
    label = "oneonones"
    verbose_name = "One-on-ones"

    def ready(self) -> None:
        # The manager's home (goals) shows each report's next one-on-one: the goals app
        # keeps a hook this app fills, so no import points up.
        from lineofsight.goals import my_team
        from lineofsight.oneonones.selectors import next_meetings_with

        my_team.next_one_on_one = next_meetings_with
