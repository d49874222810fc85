from typing import Annotated

from pydantic import StringConstraints

from chalicelib.core.schemas import RequestBody


class TaskLabelAdd(RequestBody):
    label_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
