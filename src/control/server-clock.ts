/** Within this much, a server's time read between a request and its answer is taken as this process's clock. */
const CLOCK_TOLERANCE_MS = 1;

/**
 * How far a control API server's clock is from this process's, for a remote
 * client: its waits decide "after the call" by the call's time on this
 * clock, and the server records events on its own. Measured from each time
 * the server gives (`GET /api/status`'s `now`, the event stream's first
 * line) with the request's and the answer's times here: 0 when the server's
 * time lies between them (the clocks agree, as on one host), else its
 * distance from their middle, to within half that round trip. The measure
 * with the shortest round trip stands: a first request, which also opens
 * its connection, is the least sharp.
 */
export class ServerClock {
  /** Milliseconds the server's clock is ahead of this one (negative: behind). */
  private ahead = 0;
  /** Half the round trip of the measure behind {@link ahead}: how far off it may be (0 when the clocks agree). */
  private uncertainty = 0;
  /** The round trip of the measure behind {@link ahead}. */
  private roundTrip = Number.POSITIVE_INFINITY;

  /** Takes a server time read between `asked` and `received` (this process's times), if no sharper measure was taken. */
  measure(serverNow: number, asked: number, received: number): void {
    const roundTrip = received - asked;
    if (roundTrip > this.roundTrip) return;
    this.roundTrip = roundTrip;
    const agree = serverNow >= asked - CLOCK_TOLERANCE_MS && serverNow <= received + CLOCK_TOLERANCE_MS;
    this.ahead = agree ? 0 : serverNow - (asked + received) / 2;
    this.uncertainty = agree ? 0 : roundTrip / 2;
  }

  /** A time of this process's as the server's clock reads it. */
  toServer(time: number): number {
    return time + this.ahead;
  }

  /** A time the server's clock gave, as this process's clock reads it. */
  fromServer(time: number): number {
    return time - this.ahead;
  }

  /**
   * {@link toServer} taken as early as the measure allows: where a replay
   * must start so that it misses nothing the client may count as after
   * `time` (the client then drops what it finds before).
   */
  earliestOnServer(time: number): number {
    return this.toServer(time) - this.uncertainty;
  }
}

/** The server's time in the event stream's first line (`: pop3-mock events at ms`); undefined without one. */
export function streamStartTime(start: string): number | undefined {
  const match = /^: pop3-mock events at (\d+(?:\.\d+)?)\n/.exec(start);
  return match === null ? undefined : Number(match[1]);
}
