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
    """A compiled pattern runs as a JavaScript RegExp on the server. It is sent as one that matches
    what Python's would: \\d, \\w, \\s and \\b are made Unicode's, as in a Python str pattern (or kept
    ASCII under re.ASCII), with the u flag when that takes Unicode property classes. Python syntax
    that JavaScript would read as something else, with no error, raises ValueError."""
    if isinstance(pattern, str):
        return pattern
    python_only = _python_only_syntax(pattern.pattern)
    if python_only:
        raise ValueError(
            'the pattern runs as a JavaScript RegExp on the server, where %s would mean something else '
            '(and match other commands): %s' % python_only
        )
    flags = pattern.flags & ~re.UNICODE
    ascii_only = bool(flags & re.ASCII)
    flags &= ~re.ASCII
    unsupported = flags & ~sum(_REGEX_FLAGS)
    if unsupported:
        raise ValueError('only re.IGNORECASE, re.MULTILINE, re.DOTALL and re.ASCII carry over to the server')
    # Global inline flags ("(?i)" first) are in pattern.flags already; JavaScript has no such syntax.
    source, unicode_classes = _javascript_source(_INLINE_FLAGS.sub('', pattern.pattern, count=1), ascii_only)
    wire = {'regex': source}
    letters = ''.join(letter for flag, letter in _REGEX_FLAGS.items() if flags & flag)
    if unicode_classes:
        letters += 'u'
    if letters:
        wire['flags'] = letters
    return wire


# Python syntax a JavaScript RegExp (without the u flag) reads as something else, with no error:
# the server would take the pattern and count, or wait for, other commands.
_OPEN_RANGE = re.compile(r'\{,\d*\}')
_QUANTIFIER = re.compile(r'\{\d+(,\d*)?\}')
_INLINE_FLAGS = re.compile(r'^\(\?[aiLmsux]+\)')
# Characters a JavaScript RegExp escapes as syntax; another escaped character is written as itself
# (Python's re.escape escapes a space, "-", "#", ...: the u flag refuses those escapes).
_SYNTAX = frozenset('^$\\.*+?()[]{}|/')
# What a Python str pattern's \s matches (str.isspace()): JavaScript's \s lacks \x1c-\x1f and \x85,
# and has \ufeff. Under re.ASCII, \s is [ \t\n\r\f\v].
_UNICODE_SPACE = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
_ASCII_SPACE = '\\t-\\r '
# A Python str pattern's \w: letters, numbers (str.isalnum()) and "_"; \d: decimal digits (Nd).
_UNICODE_WORD = '\\p{L}\\p{N}_'
_UNICODE_DIGIT = '\\p{Nd}'


def _javascript_source(source: str, ascii_only: bool) -> Tuple[str, bool]:
    """`source` as a JavaScript RegExp that matches what Python's does, and whether it needs the u flag
    (for Unicode property classes). Also valid without it: no identity escape of a non-syntax character,
    no lone brace or "]"."""
    out: List[str] = []
    unicode_classes = False
    in_class = False
    i = 0
    while i < len(source):
        char = source[i]
        if char == '\\':
            escaped = source[i + 1 : i + 2]
            i += 2
            if escaped in ('d', 'D', 'w', 'W', 's', 'S', 'b', 'B') and not (in_class and escaped == 'b'):
                text, unicode = _class_escape(escaped, in_class, ascii_only)
                out.append(text)
                unicode_classes = unicode_classes or unicode
            elif escaped == 'a':
                # Python's bell; JavaScript reads \a as the letter (or refuses it with the u flag).
                out.append('\\x07')
            elif (escaped.isascii() and escaped.isalnum()) or escaped in _SYNTAX or (in_class and escaped == '-'):
                out.append('\\' + escaped)
            else:
                out.append(escaped)
            continue
        if in_class:
            in_class = char != ']'
            out.append(char)
        elif char == '[':
            in_class = True
            # A "]" first in the class was refused before (_python_only_syntax).
            caret = source[i + 1 : i + 2] == '^'
            out.append('[^' if caret else '[')
            i += 1 + caret
            continue
        elif char == '{':
            quantifier = _QUANTIFIER.match(source, i)
            if quantifier:
                out.append(quantifier.group())
                i = quantifier.end()
                continue
            out.append('\\{')
        elif char in '}]':
            out.append('\\' + char)
        elif source.startswith('(?P<', i):
            out.append('(?<')
            i += 4
            continue
        elif source.startswith('(?P=', i):
            close = source.find(')', i)
            out.append('\\k<%s>' % source[i + 4 : close])
            i = close + 1
            continue
        else:
            out.append(char)
        i += 1
    return ''.join(out), unicode_classes


def _class_escape(letter: str, in_class: bool, ascii_only: bool) -> Tuple[str, bool]:
    """\\d, \\w, \\s, \\b (and their negations) as JavaScript writes Python's; True when it takes the u flag."""
    if ascii_only:
        # JavaScript's \d, \w and \b are ASCII's; its \s is wider.
        if letter in 'sS':
            if in_class and letter == 'S':
                raise ValueError('\\S inside [...] has no JavaScript form: write [^ \\t\\n\\r\\f\\v] or a negated class')
            return ('%s' if in_class else ('[%s]' if letter == 's' else '[^%s]')) % _ASCII_SPACE, False
        return '\\' + letter, False
    if letter in 'dD':
        return (_UNICODE_DIGIT if letter == 'd' else '\\P{Nd}'), True
    if in_class and letter in 'WS':
        raise ValueError(
            '\\%s inside [...] has no JavaScript form: write the class negated ([^...]) or compile with re.ASCII'
            % letter
        )
    if letter == 's':
        return (_UNICODE_SPACE if in_class else '[%s]' % _UNICODE_SPACE), False
    if letter == 'S':
        return '[^%s]' % _UNICODE_SPACE, False
    if letter == 'w':
        return (_UNICODE_WORD if in_class else '[%s]' % _UNICODE_WORD), True
    if letter == 'W':
        return '[^%s]' % _UNICODE_WORD, True
    word = '[%s]' % _UNICODE_WORD
    if letter == 'b':
        return '(?:(?<=%s)(?!%s)|(?<!%s)(?=%s))' % (word, word, word, word), True
    return '(?:(?<=%s)(?=%s)|(?<!%s)(?!%s))' % (word, word, word, word), True


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
            if escaped in ('U', 'N') or (escaped == '0' and source[i + 2 : i + 3].isdigit()):
                return '\\' + escaped, 'write the character itself, or \\xHH / \\uHHHH'
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
