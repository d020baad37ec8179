// The floor for any Node.js `bulkhead run`: node's own startup plus only the engine calls a run
// cannot do without (create, wait for removal, start), with the create body bulkhead itself
// would send (from `bulkhead run --dry-run --format json`). No CLI, no policy, no attach.
// bench/run-overhead.mjs times it next to `docker run` to show how much of the gap is Node's.
//   node bench/run-floor.cjs SOCKET CREATE_BODY_JSON_FILE
'use strict';
const http = require('node:http');
const { readFileSync } = require('node:fs');

const [socketPath, bodyFile] = process.argv.slice(2);
const body = readFileSync(bodyFile);
const agent = new http.Agent({ keepAlive: true, servername: '' });

function call(method, path, data) {
  return new Promise((resolve, reject) => {
    const headers = data ? { 'content-type': 'application/json', 'content-length': data.length } : {};
    const req = http.request({ socketPath, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.trim()}`));
        else resolve(text ? JSON.parse(text) : undefined);
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

(async () => {
  const { Id } = await call('POST', '/v1.41/containers/create', body);
  const removed = call('POST', `/v1.41/containers/${Id}/wait?condition=removed`);
  await call('POST', `/v1.41/containers/${Id}/start`);
  process.exitCode = (await removed).StatusCode;
})().catch((err) => {
  console.error(`bench/run-floor: ${err.message}`);
  process.exitCode = 1;
});
