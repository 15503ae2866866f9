"""Python values into the JSON the control API reads: command patterns,
counts and messages."""
import base64
import re
from typing import Any, Dict, List, Mapping, Optional, Pattern, Sequence, Union

#: A command as the transcript shows it ("RETR 1", "TOP 1 *"), or a compiled regular expression.
CommandPattern = Union[str, Pattern[str]]
#: Raw bytes, text (a path, or raw text when it has a line break), or a JSON form such as {"raw", "uid"}.
Message = Union[bytes, str, Mapping[str, Any]]

# The flags a JavaScript RegExp has too; re.UNICODE is on for every str pattern and means nothing there.
_REGEX_FLAGS = {re.IGNORECASE: 'i', re.MULTILINE: 'm', re.DOTALL: 's'}


def wire_pattern(pattern: CommandPattern) -> Union[str, Dict[str, str]]:
    """A compiled pattern runs as a JavaScript RegExp on the server: keep to the syntax both share."""
    if isinstance(pattern, str):
        return pattern
    flags = pattern.flags & ~re.UNICODE
    unsupported = flags & ~sum(_REGEX_FLAGS)
    if unsupported:
        raise ValueError('only re.IGNORECASE, re.MULTILINE and re.DOTALL carry over to the server')
    wire = {'regex': pattern.pattern}
    letters = ''.join(letter for flag, letter in _REGEX_FLAGS.items() if flags & flag)
    if letters:
        wire['flags'] = letters
    return wire


def wire_times(
    times: Optional[int], at_least: Optional[int], at_most: Optional[int]
) -> Union[None, int, Dict[str, int]]:
    if times is not None and (at_least is not None or at_most is not None):
        raise ValueError('give times, or at_least/at_most, not both')
    if times is not None:
        return times
    bounds = {'atLeast': at_least, 'atMost': at_most}
    present = {k: v for k, v in bounds.items() if v is not None}
    return present or None


def wire_messages(messages: Union[Message, Sequence[Message]]) -> List[Any]:
    single = isinstance(messages, (bytes, bytearray, str)) or isinstance(messages, Mapping)
    return [_wire_message(m) for m in ([messages] if single else messages)]  # type: ignore[list-item]


def _wire_message(message: Message) -> Any:
    if isinstance(message, (bytes, bytearray)):
        # JSON cannot carry arbitrary bytes: the API takes them as base64.
        return {'rawBase64': base64.b64encode(bytes(message)).decode('ascii')}
    return message


def without_none(**fields: Any) -> Dict[str, Any]:
    """A JSON body with the options left out that were not given (the API refuses null)."""
    return {key: value for key, value in fields.items() if value is not None}
