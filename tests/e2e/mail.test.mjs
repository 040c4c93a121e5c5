// The outbox reader itself (no server needed): the browser tests trust it to
// find links and codes in idp's messages.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { decodeEncodedWords, decodeQuotedPrintable, parseEml } from './lib/mail.mjs';

test('quoted-printable: soft line breaks, =XX bytes, UTF-8', () => {
  assert.equal(
    decodeQuotedPrintable('http://127.0.0.1:8080/verify-email?token=3Dab=\r\ncd&x=3D1\r\nH=C3=A9llo'),
    'http://127.0.0.1:8080/verify-email?token=abcd&x=1\r\nHéllo',
  );
  assert.equal(decodeQuotedPrintable('a=\nb'), 'ab');
});

test('RFC 2047 encoded words in headers', () => {
  assert.equal(decodeEncodedWords('=?utf-8?b?w4lsw6hu?='), 'Élèn');
  assert.equal(decodeEncodedWords('=?UTF-8?Q?Caf=C3=A9_au?= =?UTF-8?Q?_lait?='), 'Café au lait');
  assert.equal(decodeEncodedWords('Plain subject'), 'Plain subject');
});

test('multipart/alternative with quoted-printable and base64 parts', () => {
  const html = Buffer.from('<p><a href="http://x/verify-email?token=abc&amp;y=1">Go</a></p>').toString('base64');
  const eml = [
    'From: idp <no-reply@localhost>',
    'To: someone@example.test',
    'Subject: =?utf-8?b?QWN0aXZhdGUgeW91ciBhY2NvdW50?=',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative;',
    ' boundary="XYZ"',
    '',
    '--XYZ',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Hello Ann,=0A=0Aplease follow: http://x/verify-email?token=3D' + 'a'.repeat(40) + '=',
    'bcd',
    '--XYZ',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    html.slice(0, 40),
    html.slice(40),
    '--XYZ--',
    '',
  ].join('\r\n');
  const m = parseEml(eml, 'x.eml');
  assert.equal(m.subject, 'Activate your account');
  assert.equal(m.to, 'someone@example.test');
  assert.equal(m.text, `Hello Ann,\n\nplease follow: http://x/verify-email?token=${'a'.repeat(40)}bcd`);
  assert.equal(m.html, '<p><a href="http://x/verify-email?token=abc&amp;y=1">Go</a></p>');
});
