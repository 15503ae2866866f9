// Expected bytes, computed here and never by the server's own code (RFC 1939 §3, §11).
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CR_ONLY = Buffer.of(CR);
const CRLF = Buffer.of(CR, LF);

/** The octets RETR sends for stored bytes: every bare LF becomes CRLF, a bare CR stays, a missing final CRLF is added. */
export function wireOf(bytes: Buffer): Buffer {
  // Copies the runs between bare LFs (a byte-by-byte array takes a quarter second on 5 MB).
  const parts: Buffer[] = [];
  let start = 0;
  for (let lf = bytes.indexOf(LF); lf !== -1; lf = bytes.indexOf(LF, lf + 1)) {
    if (lf > 0 && bytes[lf - 1] === CR) continue;
    parts.push(bytes.subarray(start, lf), CR_ONLY);
    start = lf;
  }
  parts.push(bytes.subarray(start));
  if (bytes.length > 0 && bytes[bytes.length - 1] !== LF) parts.push(CRLF);
  return Buffer.concat(parts);
}

/** Dot-stuffing: a line starting with `.` gets one more `.`. */
export function stuff(wire: Buffer): Buffer {
  return mapLines(wire, (line) => (line[0] === DOT ? [Buffer.from('.'), line] : [line]));
}

/** The reverse, as a client does it: a data line starting with `.` loses its first `.`. */
export function unstuff(wire: Buffer): Buffer {
  return mapLines(wire, (line) => [line[0] === DOT ? line.subarray(1) : line]);
}

function mapLines(data: Buffer, each: (line: Buffer) => Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    const lf = data.indexOf(LF, start);
    const end = lf === -1 ? data.length : lf + 1;
    parts.push(...each(data.subarray(start, end)));
    start = end;
  }
  return Buffer.concat(parts);
}
