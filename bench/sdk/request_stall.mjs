// Probe of the "SDK client stalls after ~5,000 requests" observation: one
// official-SDK client (@xmtp/node-sdk 5.5.0 / @xmtp/node-bindings 1.9.1)
// makes --calls N group.sync() calls in a row against our node and times
// each; a second client, created before the loop, makes one
// conversations.sync() per second meanwhile (its own connection). A call
// slower than --slow-ms is reported with when it started and ended relative
// to the first request of the probe client, and what the second client saw
// while it was waiting.
//
//   node bench/sdk/request_stall.mjs --url http://127.0.0.1:PORT [--calls 6000] [--slow-ms 1000]
//                                    [--pause-ms 0]
//
// --pause-ms P waits P ms after each call: with P = 12, 5,000 calls take more
// than 60 s, which tells a count of HTTP/2 streams per connection (stalls at
// the same call whatever the pace) from a request-rate window (no stall).
//
// Prints ONE JSON line on stdout (progress on stderr). Needs the npm packages
// of tests/interop (XS_INTEROP_DIR names another tests/interop folder).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const interopDir = path.resolve(process.env.XS_INTEROP_DIR ?? path.join(here, "..", "..", "tests", "interop"));
const requireFromInterop = createRequire(path.join(interopDir, "package.json"));
const { createClient } = await import(pathToFileURL(path.join(interopDir, "lib", "clients.mjs")).href);
requireFromInterop.resolve("@xmtp/node-sdk");

function fail(message) {
  process.stderr.write(`request_stall: ${message}\n`);
  process.exit(2);
}

const options = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i];
  if (!key.startsWith("--") || i + 1 >= process.argv.length) fail(`bad argument ${key}`);
  options[key.slice(2)] = process.argv[i + 1];
}
if (!options.url) fail("--url http://HOST:PORT is required");
const calls = Number(options.calls ?? 6000);
const slowMs = Number(options["slow-ms"] ?? 1000);
const pauseMs = Number(options["pause-ms"] ?? 0);
const node = { url: options.url.replace(/\/+$/, "") };
const log = (message) => process.stderr.write(`[request_stall] ${message}\n`);
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

const probeStart = nowMs();
const client = await createClient(node);
const created = nowMs();
const watcher = await createClient(node);
const group = await client.conversations.createGroup([]);

// The watcher: one conversations.sync() a second on its own connection.
const watch = [];
let watching = true;
const watcherLoop = (async () => {
  while (watching) {
    const t0 = nowMs();
    await watcher.conversations.sync();
    watch.push({ at: t0 - probeStart, ms: nowMs() - t0 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
})();

const slow = [];
let maxMs = 0;
const loopStart = nowMs();
for (let i = 0; i < calls; ++i) {
  const t0 = nowMs();
  await group.sync();
  const ms = nowMs() - t0;
  maxMs = Math.max(maxMs, ms);
  if (ms > slowMs) {
    const during = watch.filter((w) => w.at >= t0 - probeStart && w.at <= t0 - probeStart + ms);
    const entry = {
      call: i,
      ms: Math.round(ms),
      startedAtS: Number(((t0 - probeStart) / 1000).toFixed(2)),
      endedAtS: Number(((t0 + ms - probeStart) / 1000).toFixed(2)),
      watcherCallsMeanwhile: during.length,
      watcherMaxMs: Math.round(Math.max(0, ...during.map((w) => w.ms))),
    };
    slow.push(entry);
    log(`slow call ${JSON.stringify(entry)}`);
  }
  if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  if ((i + 1) % 1000 === 0) log(`${i + 1}/${calls} calls, ${((nowMs() - loopStart) / 1000).toFixed(1)} s`);
}
const loopSeconds = (nowMs() - loopStart) / 1000;
watching = false;
await watcherLoop;

process.stdout.write(
  `${JSON.stringify({
    calls,
    pauseMs,
    clientCreateSeconds: Number(((created - probeStart) / 1000).toFixed(2)),
    loopSeconds: Number(loopSeconds.toFixed(2)),
    maxCallMs: Math.round(maxMs),
    slowCalls: slow,
    watcherCalls: watch.length,
    watcherMaxMs: Math.round(Math.max(0, ...watch.map((w) => w.ms))),
  })}\n`,
);
process.exit(0);
