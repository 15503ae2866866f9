"""Python values into the JSON the control API reads: command patterns,
counts and messages."""
import base64
import re
from typing import Any, Dict, List, Mapping, Optional, Pattern, Sequence, Tuple, Union

#: A command as the transcript shows it ("RETR 1", "TOP 1 *"), or a compiled regular expression.
CommandPattern = Union[str, Pattern[str]]
#: Raw bytes, text (a path, or raw text when it has a line break), or a JSON form such as {"raw", "uid"}.
Message = Union[bytes, str, Mapping[str, Any]]

# The flags a JavaScript RegExp has too; re.UNICODE is on for every str pattern and means nothing there.
_REGEX_FLAGS = {re.IGNORECASE: 'i', re.MULTILINE: 'm', re.DOTALL: 's'}


def wire_pattern(pattern: CommandPattern) -> Union[str, Dict[str, str]]:
    """A compiled pattern runs as a JavaScript RegExp on the server: keep to the syntax both share.
    Python syntax that JavaScript would read as something else, with no error, raises ValueError."""
    if isinstance(pattern, str):
        return pattern
    python_only = _python_only_syntax(pattern.pattern)
    if python_only:
        raise ValueError(
            'the pattern runs as a JavaScript RegExp on the server, where %s would mean something else '
            '(and match other commands): %s' % python_only
        )
    flags = pattern.flags & ~re.UNICODE
    unsupported = flags & ~sum(_REGEX_FLAGS)
    if unsupported:
        raise ValueError('only re.IGNORECASE, re.MULTILINE and re.DOTALL carry over to the server')
    wire = {'regex': pattern.pattern}
    letters = ''.join(letter for flag, letter in _REGEX_FLAGS.items() if flags & flag)
    if letters:
        wire['flags'] = letters
    return wire


# Python syntax a JavaScript RegExp (without the u flag) reads as something else, with no error:
# the server would take the pattern and count, or wait for, other commands.
_OPEN_RANGE = re.compile(r'\{,\d*\}')


def _python_only_syntax(source: str) -> Optional[Tuple[str, str]]:
    """(what, what to write instead) for the first such construct in `source`; None when there is none."""
    i = 0
    while i < len(source):
        char = source[i]
        if char == '\\':
            escaped = source[i + 1 : i + 2]
            if escaped in ('A', 'Z', 'z'):
                # In JavaScript \A and \Z (\z: Python 3.14) are the letters.
                return '\\' + escaped, 'write %s (without re.MULTILINE)' % ('^' if escaped == 'A' else '$')
            i += 2
            continue
        if char == '[':
            start = i + 1 + (source[i + 1 : i + 2] == '^')
            if source[start : start + 1] == ']':
                # Python reads a ] first in a class as a ], JavaScript as the end of an empty class.
                return 'a "]" first in a class', 'escape it: \\]'
            i = _class_end(source, start)
            continue
        if _OPEN_RANGE.match(source, i):
            return '"{,n}"', 'write {0,n}'
        i += 1
    return None


def _class_end(source: str, start: int) -> int:
    """The index after the ] that closes the class whose content begins at `start`."""
    i = start
    while i < len(source) and source[i] != ']':
        i += 2 if source[i] == '\\' else 1
    return i + 1


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
