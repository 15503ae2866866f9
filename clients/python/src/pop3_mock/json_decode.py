"""JSON answers (camelCase keys) into the dataclasses of models.py (snake_case
fields). Unknown keys are skipped, so a newer server does not break an older
client; a missing key reads as None."""
import dataclasses
import re
import typing
from typing import Any, Dict, Type, TypeVar

T = TypeVar('T')


def snake_case(name: str) -> str:
    return re.sub(r'([A-Z])', r'_\1', name).lower()


def decode(kind: Any, value: Any) -> Any:
    """`value` as `kind`: a dataclass, List[...], Optional[...], or anything else as is."""
    if value is None:
        return None
    if dataclasses.is_dataclass(kind):
        return decode_dataclass(kind, value)
    if typing.get_origin(kind) is list:
        (item,) = typing.get_args(kind)
        return [decode(item, v) for v in value]
    if typing.get_origin(kind) is typing.Union:
        # Optional[X] is Union[X, None]; the None case was handled above. A union of
        # plain types (Union[int, str]: a count or "all") is kept as sent.
        present = [k for k in typing.get_args(kind) if k is not type(None)]
        return decode(present[0], value) if len(present) == 1 else value
    return value


def decode_dataclass(kind: Type[T], data: Dict[str, Any]) -> T:
    hints = typing.get_type_hints(kind)
    by_key = {snake_case(key): v for key, v in data.items()}
    fields = {f.name: decode(hints[f.name], by_key.get(f.name)) for f in dataclasses.fields(kind)}
    return kind(**fields)
