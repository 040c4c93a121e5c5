// Reads the messages idp writes to its outbox folder: one RFC 5322 `.eml`
// file per message (written under a dot-name and renamed, so a file with a
// `.eml` name is always complete). Just enough MIME for the test suite:
// folded headers, RFC 2047 encoded words, multipart bodies, and the
// quoted-printable / base64 / 7bit / 8bit transfer encodings.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Splits a message (or a MIME part) into its header block and body. */
function splitHeadBody(raw) {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return [raw, ''];
  return [raw.slice(0, m.index), raw.slice(m.index + m[0].length)];
}

/** Header block → Map of lower-cased name → array of (decoded) values. */
export function parseHeaders(block) {
  const headers = new Map();
  const unfolded = block.replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = decodeEncodedWords(line.slice(colon + 1).trim());
    if (!headers.has(name)) headers.set(name, []);
    headers.get(name).push(value);
  }
  return headers;
}

/** RFC 2047: `=?utf-8?B?…?=` and `=?utf-8?Q?…?=`; blanks between words go. */
export function decodeEncodedWords(value) {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, text) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : qpBytes(text.replace(/_/g, ' '));
      return new TextDecoder(charset.toLowerCase()).decode(bytes);
    });
}

/** Quoted-printable (RFC 2045 §6.7) → bytes. */
function qpBytes(text) {
  const soft = text.replace(/=\r?\n/g, '');
  const out = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      out.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      // Raw characters are 7-bit by definition; anything wider is kept as UTF-8.
      out.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(out);
}

export function decodeQuotedPrintable(text, charset = 'utf-8') {
  return new TextDecoder(charset).decode(qpBytes(text));
}

/** `text/plain; charset=utf-8; boundary="x"` → { type, params }. */
function parseContentType(value) {
  const [type, ...rest] = (value || 'text/plain').split(';');
  const params = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params };
}

function decodeBody(body, encoding, charset) {
  switch ((encoding || '7bit').toLowerCase()) {
    case 'quoted-printable':
      return decodeQuotedPrintable(body, charset);
    case 'base64':
      return new TextDecoder(charset).decode(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
    default:
      return body;
  }
}

/** Collects the leaf parts of a MIME entity as { type, content }. */
function leafParts(raw) {
  const [head, body] = splitHeadBody(raw);
  const headers = parseHeaders(head);
  const { type, params } = parseContentType(headers.get('content-type')?.[0]);
  if (type.startsWith('multipart/') && params.boundary) {
    const delimiter = `--${params.boundary}`;
    const pieces = body.split(delimiter).slice(1); // before the first: preamble
    const parts = [];
    for (const piece of pieces) {
      if (piece.startsWith('--')) break; // closing delimiter
      parts.push(...leafParts(piece.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n$/, '')));
    }
    return parts;
  }
  const charset = (params.charset || 'utf-8').toLowerCase();
  const encoding = headers.get('content-transfer-encoding')?.[0];
  return [{ type, content: decodeBody(body, encoding, charset) }];
}

/** A parsed message: headers, subject, to, text and html bodies. */
export function parseEml(raw, file = '') {
  const [head] = splitHeadBody(raw);
  const headers = parseHeaders(head);
  const parts = leafParts(raw);
  const first = (t) => parts.find((p) => p.type === t)?.content ?? '';
  const header = (name) => headers.get(name)?.[0] ?? '';
  return {
    file,
    headers,
    header,
    subject: header('subject'),
    to: header('to'),
    text: first('text/plain'),
    html: first('text/html'),
  };
}

/** Every complete message in `dir`, oldest first (file names start with a timestamp). */
export async function readOutbox(dir) {
  let names;
  try {
    names = await readdir(dir);
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  const files = names.filter((n) => n.endsWith('.eml') && !n.startsWith('.')).sort();
  const messages = [];
  for (const name of files) {
    messages.push(parseEml(await readFile(join(dir, name), 'utf8'), name));
  }
  return messages;
}

/**
 * Waits for a message to `to` whose subject matches `subject` (string or
 * RegExp) and that is not in `seen` (file names already used), and returns it.
 */
export async function waitForMail(dir, { to, subject, seen = new Set(), timeoutMs = 10_000 }) {
  const deadline = Date.now() + timeoutMs;
  const matches = (m) =>
    !seen.has(m.file) &&
    m.to.toLowerCase().includes(to.toLowerCase()) &&
    (subject instanceof RegExp ? subject.test(m.subject) : m.subject === subject);
  for (;;) {
    const messages = await readOutbox(dir);
    const found = messages.find(matches);
    if (found) {
      seen.add(found.file);
      return found;
    }
    if (Date.now() > deadline) {
      const summary = messages.map((m) => `  ${m.file}: to=${m.to} subject=${m.subject}`).join('\n');
      throw new Error(
        `no email to ${to} with subject ${subject} within ${timeoutMs} ms; outbox has:\n${summary || '  (nothing)'}`,
      );
    }
    await sleep(100);
  }
}
