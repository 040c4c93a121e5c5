// The suite's own person (lib/browser.mjs) on hand-made pages and headers,
// so that a failure of the OIDC stories is the provider's, not the parser's.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CookieJar, formBody, parseAttributes, parseForms, visibleText } from './lib/browser.mjs';

const LOGIN = `<!DOCTYPE html><html lang="en"><head><title>Sign in</title></head><body>
<!-- <form action="/commented-out"></form> -->
<form method="post" action="/verify-email/resend">
  <input type="hidden" name="csrf_token" value="tok">
  <input type="hidden" name="email" value="">
  <button type="submit">Send the link again</button>
</form>
<form method="post" action="/login">
  <input type="hidden" name="csrf_token" value="abc&amp;def">
  <input type="hidden" name="return_to" value="/authorize?client_id=x&amp;scope=openid%20email&amp;state=s&#x27;1">
  <label for="email">Email</label><input id="email" type="email" name="email" value="" autocomplete=username>
  <input id="password" type="password" name="password" autocomplete="current-password">
  <input type="checkbox" name="remember">
  <input type="checkbox" name="keep" value="yes" checked>
  <input type="text" name="off" value="x" disabled>
  <select name="lang"><option value="de">Deutsch</option><option value="en" selected>English</option></select>
  <textarea name="note">
hello &lt;you&gt;</textarea>
  <button type="submit">Sign in</button>
</form></body></html>`;

const CONSENT = `<html><head><title>Allow access?</title></head><body>
<h1>Partner Portal wants to</h1><ul><li>know your email address</li><li>know your name</li></ul>
<form method="post" action="/authorize/consent">
  <input type="hidden" name="csrf_token" value="t">
  <input type="hidden" name="request" value="r1">
  <button type="submit" name="decision" value="allow">Allow</button>
  <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form></body></html>`;

describe('the suite\'s HTML form parsing', () => {
  it('finds every form, with absolute actions, skipping comments', () => {
    const forms = parseForms(LOGIN, 'http://127.0.0.1:1/login?return_to=%2F');
    assert.deepEqual(forms.map((f) => f.action), ['http://127.0.0.1:1/verify-email/resend', 'http://127.0.0.1:1/login']);
    assert.ok(forms.every((f) => f.method === 'post'));
  });

  it('collects the successful controls a browser would send, entity-decoded', () => {
    const login = parseForms(LOGIN, 'http://127.0.0.1:1/login')[1];
    assert.deepEqual(
      login.fields.map((f) => [f.name, f.value]),
      [
        ['csrf_token', 'abc&def'],
        ['return_to', "/authorize?client_id=x&scope=openid%20email&state=s'1"],
        ['email', ''],
        ['password', ''],
        ['keep', 'yes'],
        ['lang', 'en'],
        ['note', 'hello <you>'],
      ],
    );
    assert.equal(login.fields.find((f) => f.name === 'password').type, 'password');
    assert.deepEqual(login.buttons, [{ name: undefined, value: '', label: 'Sign in' }]);
  });

  it('fills in fields by name, keeps the rest, and refuses to invent fields', () => {
    const login = parseForms(LOGIN, 'http://127.0.0.1:1/login')[1];
    const body = formBody(login, { email: 'ada@example.com', password: 'p&ss word' }, login.buttons[0]);
    assert.equal(body.get('email'), 'ada@example.com');
    assert.equal(body.get('password'), 'p&ss word');
    assert.equal(body.get('return_to'), "/authorize?client_id=x&scope=openid%20email&state=s'1");
    assert.match(body.toString(), /^csrf_token=abc%26def&return_to=%2Fauthorize%3F/);
    assert.throws(() => formBody(login, { username: 'x' }), /no field "username"/);
  });

  it('sends only the pressed submit button (consent: decision=allow or deny)', () => {
    const [form] = parseForms(CONSENT, 'http://127.0.0.1:1/authorize?x=1');
    assert.deepEqual(form.buttons.map((b) => [b.name, b.value, b.label]), [['decision', 'allow', 'Allow'], ['decision', 'deny', 'Deny']]);
    const deny = formBody(form, {}, form.buttons[1]);
    assert.equal(deny.toString(), 'csrf_token=t&request=r1&decision=deny');
  });

  it('reads visible text without tags or scripts', () => {
    assert.equal(visibleText('<p>a &amp; <b>b</b></p><script>var x = "<p>no</p>";</script> c'), 'a & b c');
    assert.match(visibleText(CONSENT), /Partner Portal wants to know your email address know your name/);
  });

  it('parses attributes with any quoting', () => {
    assert.deepEqual(parseAttributes(` a="1" b='2' c=3 d e="&quot;x&quot;" A="dup"`), { a: '1', b: '2', c: '3', d: '', e: '"x"' });
  });
});

describe('the suite\'s cookie jar', () => {
  it('keeps, sends, replaces and deletes cookies by name and path', () => {
    const jar = new CookieJar();
    jar.store('http://h/login', ['idp_csrf=one; Path=/; HttpOnly; SameSite=Lax', 'scoped=1; Path=/account']);
    assert.equal(jar.header('http://h/authorize?x=1'), 'idp_csrf=one');
    assert.equal(jar.header('http://h/account/profile'), 'scoped=1; idp_csrf=one');
    assert.equal(jar.header('http://h/accounts'), 'idp_csrf=one');
    jar.store('http://h/login', ['idp_session=s; Path=/; Max-Age=3600', 'idp_csrf=two; Path=/']);
    assert.equal(jar.header('http://h/'), 'idp_csrf=two; idp_session=s');
    jar.store('http://h/logout', ['idp_session=; Path=/; Max-Age=0']);
    jar.store('http://h/logout', ['idp_csrf=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    assert.equal(jar.header('http://h/'), undefined);
  });

  it('defaults the path to the request\'s directory', () => {
    const jar = new CookieJar();
    jar.store('http://h/a/b', ['x=1']);
    assert.equal(jar.header('http://h/a/c'), 'x=1');
    assert.equal(jar.header('http://h/other'), undefined);
  });
});
