// Passkeys: the WebAuthn ceremonies of the sign-in, second-factor and
// security pages. The server says what to ask for and checks the answer;
// this script only carries both between it and the browser's
// navigator.credentials. Buttons stay hidden where the browser has no
// passkeys (or no script runs), and the page says so.
(() => {
  const supported =
    window.PublicKeyCredential &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function' &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';
  for (const button of document.querySelectorAll('button[data-passkey]')) {
    const form = button.closest('form');
    const status = form.querySelector('.passkey-status');
    if (!supported) {
      status.textContent = status.dataset.unsupported;
      continue;
    }
    button.hidden = false;
    const field = (name) => form.querySelector(`[name="${name}"]`)?.value ?? '';
    const kind = button.dataset.passkey; // add | verify | sign-in
    const post = async (step, body) => {
      const response = await fetch(`/passkeys/${kind}/${step}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ csrf_token: field('csrf_token'), ...body }),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(answer.error_description || status.dataset.failed);
      return answer;
    };
    form.addEventListener('submit', (event) => event.preventDefault());
    button.addEventListener('click', async () => {
      button.disabled = true;
      status.textContent = '';
      try {
        const { ceremony, options } = await post('start', {});
        const credential =
          kind === 'add'
            ? await navigator.credentials.create({
                publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey),
              })
            : await navigator.credentials.get({
                publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey),
              });
        const { next } = await post('finish', {
          ceremony,
          credential: credential.toJSON(),
          name: field('passkey_name'),
          return_to: field('return_to') || undefined,
        });
        window.location.assign(next);
      } catch (error) {
        // The person closed the browser's dialog, or it timed out.
        status.textContent =
          error?.name === 'NotAllowedError' ? status.dataset.cancelled : error?.message || status.dataset.failed;
        button.disabled = false;
      }
    });
  }
})();
