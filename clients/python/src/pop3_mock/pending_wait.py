"""A wait sent to the server but not yet answered."""
import json
from typing import Any, Callable, Generic, TypeVar

from .http_transport import PendingAnswer

T = TypeVar('T')


class PendingWait(Generic[T]):
    """The wait has been sent, and the server has answered a later request,
    when this object exists: start the wait, run the client under test, then
    call `result()`."""

    def __init__(self, answer: PendingAnswer, decode: Callable[[Any], T]) -> None:
        self._answer = answer
        self._decode = decode

    def result(self) -> T:
        """Blocks until the server answers; raises WaitTimeoutError (408) when the wait ran out."""
        return self._decode(json.loads(self._answer.read()[2].decode('utf-8')))
