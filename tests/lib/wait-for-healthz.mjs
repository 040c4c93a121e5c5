// Waits until an idp server answers on /healthz, giving up early if its
// process dies. Usage: node wait-for-healthz.mjs URL PID TIMEOUT_MS LABEL
const [url, pid, timeoutMs, label] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutMs);
for (;;) {
  try {
    process.kill(Number(pid), 0);
  } catch {
    console.error(`${label}: idp exited during start-up`);
    process.exit(1);
  }
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (res.ok) process.exit(0);
  } catch {}
  if (Date.now() > deadline) {
    console.error(`${label}: no answer from ${url}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 100));
}
