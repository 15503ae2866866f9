"""The one JSON line the CLI prints on stdout once it listens."""
import json
from dataclasses import dataclass
from typing import Optional

from .json_decode import decode_dataclass


@dataclass(frozen=True)
class ReadyLine:
    host: str
    port: int
    #: Implicit TLS (POP3S) port, with --tls-port; else None.
    tls_port: Optional[int]
    control_url: Optional[str]
    control_token: Optional[str]
    smtp_port: Optional[int]
    #: The CA (PEM file) that signed the server's certificate.
    ca_file: Optional[str]
    #: The browser view's login link.
    ui_url: Optional[str]
    #: The SMTP intake's implicit-TLS (SMTPS) port, with --smtp-tls-port; else None.
    smtp_tls_port: Optional[int] = None


def parse_ready_line(line: bytes) -> ReadyLine:
    """Raises ValueError when the line is not the ready line's JSON object."""
    data = json.loads(line.decode('utf-8'))
    if not isinstance(data, dict) or not isinstance(data.get('port'), int):
        raise ValueError('not a ready line: %r' % line)
    return decode_dataclass(ReadyLine, data)
