"""Request types, their questions, target times and bank holidays held in memory by
each web process, so that taking a report reads no reference data from the database.
Rebuilt when the tables change, checked at most every JOINEDUP_AREA_INDEX_TTL seconds
(like the catalogue and area indexes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max

from joinedup.core.refreshing import RefreshingIndex
from joinedup.service_requests.models import BankHoliday, Question, RequestType, ServiceLevel

DIVISION = "england-and-wales"


@dataclass(frozen=True)
class ValueInfo:
    key: str
    name: str
    name_cy: str

    def localised(self, language: str) -> str:
        return self.name_cy if language.startswith("cy") and self.name_cy else self.name


@dataclass(frozen=True)
class QuestionInfo:
    code: str
    order: int
    datatype: str
    required: bool
    description: str
    description_cy: str
    datatype_description: str
    datatype_description_cy: str
    values: tuple[ValueInfo, ...]

    def localised(self, language: str) -> tuple[str, str]:
        """(question, hint) in the language, English where no Welsh is written."""
        if language.startswith("cy"):
            return (
                self.description_cy or self.description,
                self.datatype_description_cy or self.datatype_description,
            )
        return self.description, self.datatype_description

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(v.key for v in self.values)


@dataclass(frozen=True)
class RequestTypeInfo:
    id: int
    service_id: int
    service_code: str
    group: str
    group_cy: str
    description: str
    description_cy: str
    working_days: int
    anonymous_allowed: bool
    duplicate_radius_m: int
    keywords: tuple[str, ...]
    questions: tuple[QuestionInfo, ...]
    levels: dict[int, int]  # organisation id → working days

    def working_days_for(self, organisation_id: int) -> int:
        return self.levels.get(organisation_id, self.working_days)

    def localised(self, language: str) -> tuple[str, str]:
        """(group, description) in the language."""
        if language.startswith("cy"):
            return self.group_cy or self.group, self.description_cy or self.description
        return self.group, self.description


@dataclass(frozen=True)
class RequestTypeIndex:
    by_code: dict[str, RequestTypeInfo]
    holidays: frozenset[dt.date]
    fingerprint: tuple


def _fingerprint() -> tuple:
    return (
        tuple(RequestType.objects.aggregate(n=Count("id"), t=Max("updated_at")).values()),
        tuple(Question.objects.aggregate(n=Count("id"), last=Max("id")).values()),
        tuple(ServiceLevel.objects.aggregate(n=Count("id"), t=Max("updated_at")).values()),
        tuple(BankHoliday.objects.aggregate(n=Count("id"), last=Max("date")).values()),
    )


def build_index() -> RequestTypeIndex:
    fingerprint = _fingerprint()
    questions: dict[int, list[QuestionInfo]] = {}
    for q in Question.objects.order_by("request_type_id", "order", "id"):
        questions.setdefault(q.request_type_id, []).append(
            QuestionInfo(
                code=q.code,
                order=q.order,
                datatype=q.datatype,
                required=q.required,
                description=q.description,
                description_cy=q.description_cy,
                datatype_description=q.datatype_description,
                datatype_description_cy=q.datatype_description_cy,
                values=tuple(
                    ValueInfo(
                        key=str(v.get("key", "")),
                        name=str(v.get("name", "")),
                        name_cy=str(v.get("name_cy", "")),
                    )
                    for v in q.values or []
                ),
            )
        )
    levels: dict[int, dict[int, int]] = {}
    for level in ServiceLevel.objects.all():
        levels.setdefault(level.request_type_id, {})[level.organisation_id] = level.working_days
    by_code = {}
    for rt in RequestType.objects.filter(active=True).select_related("service"):
        by_code[rt.service.code] = RequestTypeInfo(
            id=rt.pk,
            service_id=rt.service_id,
            service_code=rt.service.code,
            group=rt.group,
            group_cy=rt.group_cy,
            description=rt.description,
            description_cy=rt.description_cy,
            working_days=rt.working_days,
            anonymous_allowed=rt.anonymous_allowed,
            duplicate_radius_m=rt.duplicate_radius_m,
            keywords=tuple(str(k) for k in (rt.service.keywords or [])[:10]),
            questions=tuple(questions.get(rt.pk, ())),
            levels=levels.get(rt.pk, {}),
        )
    holidays = frozenset(
        BankHoliday.objects.filter(division=DIVISION).values_list("date", flat=True)
    )
    return RequestTypeIndex(by_code=by_code, holidays=holidays, fingerprint=fingerprint)


_index: RefreshingIndex[RequestTypeIndex] = RefreshingIndex(build_index, _fingerprint)


def get_request_types() -> RequestTypeIndex:
    return _index.get()


def reset_request_types() -> None:
    _index.reset()
