"""Reading data sources through the access policy: a source is seen by whoever sees its key
result (that it is connected, and the provenance of its readings); its settings only by
those who may manage it (``IntegrationViewer.can_manage_data_source``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery

from lineofsight.core.errors import NotFound
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.models import KeyResult
from lineofsight.goals.selectors import get_key_result_for_user, key_results_for_user
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.sources.models import DataSource, DataSourceReading

if TYPE_CHECKING:
    from lineofsight.goals.models import Objective
    from lineofsight.people.models import Person

READINGS_SHOWN = 10
_RELATED = (
    "owner",
    "key_result__owner",
    "key_result__objective__owner_person",
    "key_result__objective__owner_team__lead",
)


def viewer_of(user: Person) -> IntegrationViewer:
    viewer = GoalViewer.of(user)
    assert isinstance(viewer, IntegrationViewer)
    return viewer


def sources_for_user(user: Person) -> QuerySet[DataSource]:
    """The sources of the key results ``user`` may see."""
    if not (user.is_authenticated and user.is_active):
        return DataSource.objects.none()
    return (
        DataSource.objects.filter(key_result__in=key_results_for_user(user).values("pk"))
        .select_related(*_RELATED)
        .order_by("key_result__title", "pk")
    )


def managed_sources_for_user(user: Person) -> list[DataSource]:
    """The sources ``user`` may change (HR: every one)."""
    viewer = viewer_of(user)
    return [s for s in sources_for_user(user) if viewer.can_manage_data_source(s.key_result)]


def get_source_for_user(user: Person, pk: Any) -> DataSource:
    found = sources_for_user(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such data source.")
    return found


def key_result_and_source(user: Person, key_result_id: Any) -> tuple[KeyResult, DataSource | None]:
    """A key result ``user`` may see (else NotFound) and its source, if it has one."""
    kr = get_key_result_for_user(user, key_result_id)
    source = DataSource.objects.filter(key_result=kr).select_related("owner").first()
    if source is not None:
        source.key_result = kr
    return kr, source


def readings_of(source: DataSource, limit: int = READINGS_SHOWN) -> list[DataSourceReading]:
    return list(source.readings.select_related("check_in")[:limit])


def sources_on_objective(user: Person, objective: Objective) -> list[DataSource]:
    """The sources of the objective's key results (the objective is one ``user`` sees), each
    with its latest reading as ``latest``."""
    newest = DataSourceReading.objects.filter(source=OuterRef("pk")).order_by("-read_at", "-pk")
    sources: list[DataSource] = list(
        DataSource.objects.filter(key_result__objective=objective)
        .annotate(latest_id=Subquery(newest.values("pk")[:1]))
        .select_related(*_RELATED)
        .order_by("key_result__position", "key_result__pk")
    )
    ids = [getattr(s, "latest_id", None) for s in sources]
    latest = DataSourceReading.objects.in_bulk([i for i in ids if i]) if any(ids) else {}
    for s, pk in zip(sources, ids, strict=True):
        s.latest = latest.get(pk) if pk else None  # type: ignore[attr-defined]
    return sources
