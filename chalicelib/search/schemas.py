from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import QueryParams

EntityType = Literal["task", "project", "client", "comment", "time_entry", "invoice", "article"]


class SearchQuery(QueryParams):
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    type: EntityType | None = None
    limit: Annotated[int, Field(ge=1, le=50)] = 20
