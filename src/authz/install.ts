import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BulkheadError } from '../errors.js';

/** Where install writes, all under `root` ("/" on a host; a temp dir in tests). */
export interface InstallOptions {
  root: string;
  policy: string;
  socket: string;
  mode: 'enforce' | 'audit';
  log: string;
  /** argv that starts bulkhead (node + bin/bulkhead.js) */
  command: string[];
  /** edit daemon.json instead of printing the line to add */
  editDaemonJson: boolean;
}

export const PLUGIN_NAME = 'bulkhead';
/**
 * node's flags in the unit. A young generation of 2 MB semi-spaces instead of V8's growth to
 * 16 MB: measured with bench/authz.mjs, the default grew the plugin's peak RSS from ~77 MB to
 * 84-95 MB over a few thousand requests (the live heap stayed at 11 MB), for no gain at the p99.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
export const UNIT_PATH = '/etc/systemd/system/bulkhead-authz.service';
export const SPEC_PATH = `/etc/docker/plugins/${PLUGIN_NAME}.spec`;
export const DAEMON_JSON = '/etc/docker/daemon.json';
/** dockerd finds a plugin by a socket of its name here, without a spec file */
const PLUGIN_SOCKET_DIR = '/run/docker/plugins';

const at = (root: string, p: string) => join(root, p);

function quote(a: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(a) ? a : `"${a.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export function systemdUnit(o: Pick<InstallOptions, 'policy' | 'socket' | 'mode' | 'log' | 'command'>): string {
  const exec = [...o.command, 'authz', 'serve', '--policy', o.policy, '--socket', o.socket, '--mode', o.mode, '--log', o.log].map(quote).join(' ');
  return `# written by bulkhead authz install; removed by bulkhead authz uninstall
[Unit]
Description=bulkhead authz: Docker authorization plugin (policy ${o.policy}, ${o.mode})
Documentation=https://github.com/bulkhead/bulkhead/blob/main/docs/authz.md
# dockerd refuses to start while a configured plugin is missing, and fails every API call while it is down
Before=docker.service

[Service]
ExecStart=${exec}
Restart=on-failure
RestartSec=1s
UMask=0077

[Install]
WantedBy=multi-user.target
RequiredBy=docker.service
`;
}

function readDaemonJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new BulkheadError('invalid-input', `${file}: not JSON; add "authorization-plugins": ["${PLUGIN_NAME}"] by hand`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new BulkheadError('invalid-input', `${file}: not a JSON object`);
  return v as Record<string, unknown>;
}

/** Writes the unit (and a spec file when the socket is not where dockerd looks by name); returns what it did, for printing. */
export function install(o: InstallOptions): string[] {
  const done: string[] = [];
  const write = (p: string, text: string, mode: number) => {
    mkdirSync(dirname(at(o.root, p)), { recursive: true });
    writeFileSync(at(o.root, p), text, { mode });
    done.push(`wrote ${p}`);
  };
  write(UNIT_PATH, systemdUnit(o), 0o644);
  if (dirname(o.socket) !== PLUGIN_SOCKET_DIR || !o.socket.endsWith(`/${PLUGIN_NAME}.sock`)) write(SPEC_PATH, `unix://${o.socket}\n`, 0o644);
  else done.push(`no spec file needed: dockerd finds ${o.socket} by its name`);
  const daemonJson = at(o.root, DAEMON_JSON);
  if (o.editDaemonJson) {
    const cfg = readDaemonJson(daemonJson);
    const list = Array.isArray(cfg['authorization-plugins']) ? (cfg['authorization-plugins'] as unknown[]) : [];
    if (!list.includes(PLUGIN_NAME)) cfg['authorization-plugins'] = [...list, PLUGIN_NAME];
    mkdirSync(dirname(daemonJson), { recursive: true });
    writeFileSync(daemonJson, `${JSON.stringify(cfg, null, 2)}\n`);
    done.push(`added "${PLUGIN_NAME}" to authorization-plugins in ${DAEMON_JSON}`);
  }
  done.push(
    'next:',
    '  systemctl daemon-reload && systemctl enable --now bulkhead-authz.service',
    ...(o.editDaemonJson ? [] : [`  add to ${DAEMON_JSON}:  "authorization-plugins": ["${PLUGIN_NAME}"]   (or dockerd --authorization-plugin=${PLUGIN_NAME})`]),
    '  systemctl restart docker',
    'fail-closed: while the plugin is down every Docker API call fails, and dockerd will not start without it;',
    `  roll out with --mode audit first and read ${o.log} (docs/authz.md)`,
  );
  return done;
}

/** Undoes install. The daemon must stop asking the plugin first, or it fails closed: say so. */
export function uninstall(o: Pick<InstallOptions, 'root' | 'editDaemonJson'>): string[] {
  const done: string[] = [];
  const daemonJson = at(o.root, DAEMON_JSON);
  if (o.editDaemonJson && existsSync(daemonJson)) {
    const cfg = readDaemonJson(daemonJson);
    if (Array.isArray(cfg['authorization-plugins'])) {
      const rest = (cfg['authorization-plugins'] as unknown[]).filter((p) => p !== PLUGIN_NAME);
      if (rest.length) cfg['authorization-plugins'] = rest;
      else delete cfg['authorization-plugins'];
      writeFileSync(daemonJson, `${JSON.stringify(cfg, null, 2)}\n`);
      done.push(`removed "${PLUGIN_NAME}" from authorization-plugins in ${DAEMON_JSON}`);
    }
  }
  for (const p of [UNIT_PATH, SPEC_PATH]) {
    if (existsSync(at(o.root, p))) {
      rmSync(at(o.root, p));
      done.push(`removed ${p}`);
    }
  }
  done.push(
    'next, in this order (dockerd fails every call while a configured plugin is down):',
    ...(o.editDaemonJson ? [] : [`  remove "${PLUGIN_NAME}" from authorization-plugins in ${DAEMON_JSON}`]),
    '  systemctl restart docker',
    '  systemctl disable --now bulkhead-authz.service && systemctl daemon-reload',
  );
  return done;
}
