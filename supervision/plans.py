"""Which plan a supervision page addressed by id belongs to (``plan.urlplans.of_object``)."""

from django.contrib.contenttypes.models import ContentType

from . import registry
from .models import Evidence


def review_plan(*, kind: str, pk: int, **_) -> int | None:
    """A report under review: its kind says how to reach its plan."""
    report_kind = registry.kind(kind)
    if report_kind is None:
        return None
    return (
        report_kind.model.objects.filter(pk=pk)
        .values_list(f"{report_kind.plan_path}_id", flat=True)
        .first()
    )


def evidence_plan(*, pk: int, **_) -> int | None:
    """An evidence file: the plan of the report it is attached to."""
    row = Evidence.objects.filter(pk=pk).values_list("content_type_id", "object_id").first()
    if row is None:
        return None
    model = ContentType.objects.get_for_id(row[0]).model_class()
    report_kind = registry.kind_of_model(model)
    if report_kind is None:
        return None
    return (
        model.objects.filter(pk=row[1]).values_list(f"{report_kind.plan_path}_id", flat=True)
    ).first()
