import type { IncomingMessage } from 'node:http';
import { HttpError, readBody } from '../control/http-util';

/** Largest `application/x-www-form-urlencoded` body: the fault form is a few hundred bytes. */
const MAX_FORM = 64 * 1024;

/** The fields of a form post: urlencoded, or the text fields of a multipart one. */
export interface FormData {
  fields: Map<string, string>;
  /** Uploaded files by field name (multipart only); empty when no file was chosen. */
  files: Map<string, { filename: string; data: Buffer }>;
}

export async function readForm(req: IncomingMessage): Promise<FormData> {
  const type = req.headers['content-type'] ?? '';
  const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  if (boundary) return parseMultipart(await readBody(req), boundary[1] ?? boundary[2]!);
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new HttpError(
      415,
      'expected a form post (application/x-www-form-urlencoded or multipart/form-data)',
    );
  }
  const body = await readBody(req);
  if (body.length > MAX_FORM) throw new HttpError(413, `form over ${MAX_FORM} bytes`);
  const fields = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) fields.set(k, v);
  return { fields, files: new Map() };
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A multipart/form-data body (RFC 7578): parts between `--boundary` lines,
 * each with its headers, a blank line and its content. Part contents are kept
 * byte for byte: an uploaded .eml arrives exactly as it was on disk.
 */
export function parseMultipart(body: Buffer, boundary: string): FormData {
  const fields = new Map<string, string>();
  const files = new Map<string, { filename: string; data: Buffer }>();
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The first delimiter has no CRLF before it.
  let at = body.indexOf(`--${boundary}`);
  if (at === -1) throw new HttpError(400, 'multipart body without its boundary');
  at += boundary.length + 2;
  for (;;) {
    if (body.subarray(at, at + 2).toString() === '--') break;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw new HttpError(400, 'malformed multipart body');
    const headerEnd = body.indexOf(HEADER_END, at + 2);
    if (headerEnd === -1) throw new HttpError(400, 'multipart part without a header end');
    const headers = body.subarray(at + 2, headerEnd).toString('utf8');
    const end = body.indexOf(delimiter, headerEnd + 4);
    if (end === -1) throw new HttpError(400, 'multipart part without a closing boundary');
    const content = body.subarray(headerEnd + 4, end);
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) {
      if (filename !== undefined) {
        if (filename !== '' || content.length > 0) files.set(name, { filename, data: Buffer.from(content) });
      } else {
        fields.set(name, content.toString('utf8'));
      }
    }
    at = end + delimiter.length;
  }
  return { fields, files };
}
