// The person's side of the flows, without a browser: plain HTTP with a tiny
// cookie jar, redirects followed by hand (so the last one, to the relying
// party where nothing listens, is only read), and HTML forms parsed
// generically and submitted the way a browser submits them.

const STEP_TIMEOUT_MS = 10_000;
const MAX_STEPS = 15;

// ---------------------------------------------------------------------------
// Cookies (RFC 6265, the parts a single-host flow needs: name, value, path,
// expiry). Domain is ignored: everything here talks to one loopback origin.

export class CookieJar {
  #cookies = new Map(); // `${path}\n${name}` -> { name, value, path }

  /** Stores the Set-Cookie headers of a response to a request for `url`. */
  store(url, setCookieHeaders) {
    for (const header of setCookieHeaders) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath(new URL(url).pathname);
      let expired = false;
      for (const attribute of attributes) {
        const [rawKey, ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const attrValue = rest.join('=').trim();
        if (key === 'path' && attrValue.startsWith('/')) path = attrValue;
        if (key === 'max-age' && /^-?\d+$/.test(attrValue) && Number(attrValue) <= 0) expired = true;
        if (key === 'expires') {
          const when = Date.parse(attrValue);
          if (!Number.isNaN(when) && when <= Date.now()) expired = true;
        }
      }
      const id = `${path}\n${name}`;
      if (expired) this.#cookies.delete(id);
      else this.#cookies.set(id, { name, value, path });
    }
  }

  /** The Cookie header for a request to `url`, or undefined. */
  header(url) {
    const path = new URL(url).pathname;
    const matching = [...this.#cookies.values()]
      .filter((c) => pathMatches(path, c.path))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  /** Cookie names, for diagnostics. */
  names() {
    return [...this.#cookies.values()].map((c) => c.name);
  }

  clear() {
    this.#cookies.clear();
  }
}

function defaultPath(pathname) {
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
}

function pathMatches(requestPath, cookiePath) {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

// ---------------------------------------------------------------------------
// HTML: just enough to find forms, their fields and submit buttons, and the
// visible text of a page. Attribute values are entity-decoded.

const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X'
        ? parseInt(entity.slice(2), 16)
        : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** Attributes of a start tag's inside (`<input a="1" b>` → {a: '1', b: ''}). */
export function parseAttributes(source) {
  const attributes = {};
  const re = /([^\s"'<>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let m;
  while ((m = re.exec(source))) {
    const name = m[1].toLowerCase();
    if (name in attributes) continue; // the first one wins, as in HTML
    attributes[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attributes;
}

function stripComments(html) {
  return html.replace(/<!--[\s\S]*?-->/g, '');
}

/** Visible text: no tags, scripts, styles or hidden inputs; spaces collapsed. */
export function visibleText(html) {
  return decodeEntities(
    stripComments(html)
      .replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** The <title>, for messages. */
export function pageTitle(html) {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  return m ? visibleText(m[1]) : '';
}

/**
 * Every form of the page: { action, method, enctype, fields, buttons, text }.
 * `fields` are the successful controls a browser would send (in document
 * order, as [name, value] pairs), without the submit buttons; `buttons` are
 * the submit buttons ({ name, value, label }).
 */
export function parseForms(html, pageUrl) {
  const forms = [];
  const source = stripComments(html);
  const formRe = /<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi;
  let m;
  while ((m = formRe.exec(source))) {
    const attrs = parseAttributes(m[1]);
    const body = m[2];
    const fields = [];
    const buttons = [];
    const controlRe = /<(input|button|select|textarea)\b([^>]*)>([\s\S]*?<\/\1\s*>)?/gi;
    let c;
    while ((c = controlRe.exec(body))) {
      const tag = c[1].toLowerCase();
      const a = parseAttributes(c[2]);
      if ('disabled' in a) continue;
      const inner = c[3] ? c[3].replace(new RegExp(`</${tag}\\s*>$`, 'i'), '') : '';
      if (tag === 'input') {
        // <input> is a void element: whatever regex captured after it is not its content.
        if (c[3]) controlRe.lastIndex = c.index + c[0].length - c[3].length;
        const type = (a.type ?? 'text').toLowerCase();
        if (type === 'submit' || type === 'image') {
          buttons.push({ name: a.name, value: a.value ?? '', label: a.value ?? '' });
          continue;
        }
        if (!a.name || type === 'button' || type === 'reset' || type === 'file') continue;
        if ((type === 'checkbox' || type === 'radio') && !('checked' in a)) continue;
        const value = a.value ?? ((type === 'checkbox' || type === 'radio') ? 'on' : '');
        fields.push({ name: a.name, value, type });
      } else if (tag === 'button') {
        const type = (a.type ?? 'submit').toLowerCase();
        if (type === 'submit') {
          buttons.push({ name: a.name, value: a.value ?? '', label: visibleText(inner) });
        }
      } else if (tag === 'textarea') {
        if (a.name) fields.push({ name: a.name, value: decodeEntities(inner.replace(/^\r?\n/, '')), type: 'textarea' });
      } else if (tag === 'select') {
        if (!a.name) continue;
        const options = [...inner.matchAll(/<option\b([^>]*)>([^<]*)/gi)].map((o) => ({
          attrs: parseAttributes(o[1]),
          text: decodeEntities(o[2]).trim(),
        }));
        const chosen = options.find((o) => 'selected' in o.attrs) ?? options[0];
        if (chosen) fields.push({ name: a.name, value: chosen.attrs.value ?? chosen.text, type: 'select' });
      }
    }
    forms.push({
      action: new URL(attrs.action || pageUrl, pageUrl).href,
      method: (attrs.method || 'get').toLowerCase(),
      enctype: (attrs.enctype || 'application/x-www-form-urlencoded').toLowerCase(),
      fields,
      buttons,
      text: visibleText(body),
    });
  }
  return forms;
}

/** Names of a form's fields (diagnostics). */
export function fieldNames(form) {
  return form.fields.map((f) => f.name);
}

/**
 * The body a browser sends for `form` submitted with `button`, after the
 * person has filled in `values` ({ name: value }; names the form does not
 * have are an error: the suite must not invent fields).
 */
export function formBody(form, values = {}, button = undefined) {
  const pairs = form.fields.map((f) => [f.name, f.value]);
  for (const [name, value] of Object.entries(values)) {
    const i = pairs.findIndex(([n]) => n === name);
    if (i < 0) {
      throw new Error(`the form (action ${form.action}) has no field "${name}"; it has: ${fieldNames(form).join(', ')}`);
    }
    pairs[i][1] = value;
  }
  if (button?.name) pairs.push([button.name, button.value ?? '']);
  return new URLSearchParams(pairs);
}

// ---------------------------------------------------------------------------
// The person with a browser-like HTTP client.

export class Person {
  /**
   * @param {object} options
   * @param {string} options.opOrigin   the identity provider's origin; any
   *   redirect elsewhere ends a flow (it is meant for the relying party)
   * @param {string} [options.email]
   * @param {string} [options.password]
   */
  constructor({ opOrigin, email, password, language = 'en' }) {
    this.opOrigin = new URL(opOrigin).origin;
    this.email = email;
    this.password = password;
    this.language = language;
    this.jar = new CookieJar();
  }

  /** One request, no redirect following; the body is read as text. */
  async request(method, url, { body, headers = {}, referer } = {}) {
    const h = {
      'user-agent': 'idp-oidc-rp-suite/1 (openid-client; node)',
      accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8',
      'accept-language': this.language,
      ...headers,
    };
    const cookie = this.jar.header(url);
    if (cookie) h.cookie = cookie;
    if (method === 'POST') {
      h['content-type'] = 'application/x-www-form-urlencoded';
      h.origin = new URL(url).origin; // what a browser adds to a form post
    }
    if (referer) h.referer = referer;
    let res;
    try {
      res = await fetch(url, {
        method,
        headers: h,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
      });
    } catch (err) {
      throw new Error(`${method} ${url} failed: ${err.cause?.message ?? err.message}`);
    }
    this.jar.store(url, res.headers.getSetCookie());
    const text = await res.text();
    const rawLocation = res.headers.get('location');
    return {
      method,
      url,
      status: res.status,
      headers: res.headers,
      location: rawLocation === null ? undefined : new URL(rawLocation, url).href,
      contentType: res.headers.get('content-type') ?? '',
      text,
    };
  }

  /**
   * Follows an authorization request the way a person would: redirects
   * within the identity provider are followed, the sign-in form is filled in
   * (when `email`/`password` are known), a consent page is answered with
   * `consent` ('allow' or 'deny'; anything else stops there), and with
   * `confirm` any other page with a post form is confirmed once with its
   * first button that does not say cancel/no/stay/deny/back. It stops at the first redirect that leaves
   * the identity provider (returned, not followed) or at a page it does not
   * know what to do with.
   *
   * Returns { kind: 'redirect', location, ... } or { kind: 'page', status,
   * text, url, ... }, both with `steps` (one line per request), `loginShown`,
   * `consentShown` and, when there was one, `consentPage` (its visible text)
   * and `consentForm`.
   */
  async follow(startUrl, { consent = 'allow', signIn = true, confirm = false } = {}) {
    const result = { steps: [], requests: [], loginShown: false, consentShown: false, locations: [] };
    let next = { method: 'GET', url: String(startUrl) };
    let referer;
    for (let i = 0; i < MAX_STEPS; i++) {
      const res = await this.request(next.method, next.url, { body: next.body, referer });
      result.steps.push(describe(res));
      result.requests.push({ method: res.method, url: res.url, status: res.status, location: res.location });
      if (res.location) result.locations.push(res.location);
      if (res.status >= 300 && res.status < 400 && res.location) {
        if (new URL(res.location).origin !== this.opOrigin) {
          return { ...result, kind: 'redirect', status: res.status, location: new URL(res.location), last: res };
        }
        next = { method: 'GET', url: res.location };
        continue;
      }
      if (res.status !== 200 || !/html/i.test(res.contentType)) {
        return { ...result, kind: 'page', status: res.status, url: res.url, text: visibleText(res.text), last: res };
      }
      const forms = parseForms(res.text, res.url);
      const login = forms.find((f) => f.fields.some((x) => x.type === 'password'));
      const consentForm = forms.find((f) => f.buttons.some((b) => b.name === 'decision'));
      referer = res.url;
      if (login && !consentForm) {
        if (!signIn || !this.email) {
          result.loginShown = true;
          return { ...result, kind: 'page', status: res.status, url: res.url, text: visibleText(res.text), last: res };
        }
        if (result.loginShown) {
          const errors = visibleText(res.text).slice(0, 400);
          throw new Error(`signing in as ${this.email} did not work; the sign-in form came back: "${errors}"\n  steps:\n    ${result.steps.join('\n    ')}`);
        }
        result.loginShown = true;
        result.loginForm = login;
        const body = formBody(login, { email: this.email, password: this.password }, login.buttons[0]);
        next = { method: login.method === 'post' ? 'POST' : 'GET', url: login.action, body };
        if (next.method === 'GET') throw new Error(`the sign-in form at ${res.url} is not method=post`);
        continue;
      }
      if (consentForm) {
        result.consentShown = true;
        result.consentPage = visibleText(res.text);
        result.consentForm = consentForm;
        if (consent !== 'allow' && consent !== 'deny') {
          return { ...result, kind: 'page', status: res.status, url: res.url, text: result.consentPage, last: res };
        }
        const button = consentForm.buttons.find((b) => b.name === 'decision' && b.value === consent);
        if (!button) {
          throw new Error(`the consent page has no <button name="decision" value="${consent}">; buttons: ${JSON.stringify(consentForm.buttons)}`);
        }
        if (consentForm.method !== 'post') throw new Error(`the consent form at ${res.url} is not method=post`);
        next = { method: 'POST', url: consentForm.action, body: formBody(consentForm, {}, button) };
        continue;
      }
      if (confirm && !result.confirmed) {
        // A confirmation page (e.g. "Sign out?"): press the button that goes on.
        const form = forms.find((f) => f.method === 'post' && f.buttons.length > 0);
        const button = form?.buttons.find((b) => !/cancel|\bno\b|stay|deny|back|abbrechen/i.test(`${b.label} ${b.value}`));
        if (form && button) {
          result.confirmed = { url: res.url, text: visibleText(res.text), form, button };
          next = { method: 'POST', url: form.action, body: formBody(form, {}, button) };
          continue;
        }
      }
      return { ...result, kind: 'page', status: res.status, url: res.url, text: visibleText(res.text), last: res };
    }
    throw new Error(`no end after ${MAX_STEPS} requests:\n    ${result.steps.join('\n    ')}`);
  }
}

function describe(res) {
  const u = new URL(res.url);
  const where = `${res.method} ${u.pathname}${u.search.length > 80 ? u.search.slice(0, 80) + '…' : u.search}`;
  const loc = res.location ? ` → ${res.location.length > 120 ? res.location.slice(0, 120) + '…' : res.location}` : '';
  const title = /html/i.test(res.contentType) ? ` "${pageTitle(res.text)}"` : '';
  return `${where} ${res.status}${loc}${title}`;
}
