"""How far a control API server's clock is from this process's: the waits
send the time of their call on the server's clock (`arrivedSince`), so a
session or a command that came while the request travelled counts as after
the call. The Node remote client's measure (src/control/server-clock.ts)."""
import math
import threading
import time

#: Within this much, a server's time read between a request and its answer is taken as this process's clock.
CLOCK_TOLERANCE_MS = 1.0


def now_ms() -> float:
    """This process's clock as the server reads its own: ms since the epoch, with a fraction."""
    return time.time() * 1000


class ServerClock:
    """Measured from each GET /api/status (its `now`: the first wait measures,
    as does every `status()` and the one each wait sends after itself) with the
    request's and the answer's times here: 0 when the server's time lies
    between them (the clocks agree, as on one host), else its distance from
    their middle, to within half that round trip. The measure with the
    shortest round trip stands."""

    def __init__(self) -> None:
        # Threads may share a client: a measure's two fields change together.
        self._lock = threading.Lock()
        #: Milliseconds the server's clock is ahead of this one (negative: behind).
        self._ahead = 0.0
        #: The round trip of the measure behind _ahead (infinite: none taken yet).
        self._round_trip = math.inf

    @property
    def measured(self) -> bool:
        return self._round_trip != math.inf

    def measure(self, server_now: float, asked: float, received: float) -> None:
        """Takes a server time read between `asked` and `received` (now_ms() here), if no sharper measure was taken."""
        round_trip = received - asked
        agree = asked - CLOCK_TOLERANCE_MS <= server_now <= received + CLOCK_TOLERANCE_MS
        with self._lock:
            if round_trip > self._round_trip:
                return
            self._round_trip = round_trip
            self._ahead = 0.0 if agree else server_now - (asked + received) / 2

    def to_server(self, time_ms: float) -> float:
        """A time of this process's (now_ms()) as the server's clock reads it."""
        with self._lock:
            return time_ms + self._ahead
