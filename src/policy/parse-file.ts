/**
 * Parsing and checking one policy file: the part of loading a policy that needs js-yaml, the
 * generated schema validator and semver. src/policy/load.ts imports it only when a file is not
 * in the build's cache of the built-in policies (./parsed-cache.ts), so `bulkhead run` with a
 * built-in policy never evaluates those packages.
 */
import { isIP } from 'node:net';
import { load as parseYaml, YAMLException } from 'js-yaml';
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import { BulkheadError } from '../errors.js';
import { toolVersion } from '../version.js';
import type { PolicyDocument } from './types.js';
import { TIGHTENING } from './tighten.js';
import { parseCpu, parseSize } from './units.js';
import { validateDocument } from './validate.js';
import { formatPath, locateLine } from './yaml-locate.js';

/** the engine refuses less memory than this (docker: "Minimum memory limit allowed is 6MB") */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

/**
 * One policy file's text -> its document: YAML, the JSON Schema, and the checks the schema
 * cannot express (`requires`, overridable names, IPs, sizes). Each failure names the file, the
 * field path and the line.
 */
export async function parsePolicyText(text: string, shown: string): Promise<PolicyDocument> {
  let doc: unknown;
  try {
    doc = parseYaml(text, { filename: shown });
  } catch (e) {
    if (e instanceof YAMLException) {
      throw new BulkheadError('invalid-policy', `${shown}: invalid YAML: ${e.reason} (line ${e.mark.line + 1})`, { cause: e });
    }
    throw e;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new BulkheadError('invalid-policy', `${shown}: a policy must be a YAML mapping (apiVersion, kind, metadata, ...)`);
  }
  const problem = await validateDocument(doc);
  if (problem) throw fieldError(shown, text, problem.path, problem.message);
  checkFileSemantics(doc as PolicyDocument, text, shown);
  return doc as PolicyDocument;
}

export function fieldError(shown: string, text: string, path: Array<string | number>, message: string): BulkheadError {
  const line = locateLine(text, path);
  const field = path.length ? `${formatPath(path)}: ` : '';
  return new BulkheadError('invalid-policy', `${shown}: ${field}${message}${line === undefined ? '' : ` (line ${line})`}`);
}

/** Checks the schema cannot express, still per file so the line is known. */
function checkFileSemantics(doc: PolicyDocument, text: string, shown: string): void {
  const fail = (path: Array<string | number>, message: string): never => {
    throw fieldError(shown, text, path, message);
  };
  if (doc.requires !== undefined) {
    if (validRange(doc.requires) === null) fail(['requires'], `not a semver range: ${JSON.stringify(doc.requires)}`);
    if (!satisfies(toolVersion(), doc.requires, { includePrerelease: true })) {
      fail(['requires'], `needs bulkhead ${doc.requires}, this is ${toolVersion()}`);
    }
  }
  // an overridable entry that matches no comparable field is a typo that would silently do nothing
  const comparable = Object.keys(TIGHTENING);
  (doc.overridable ?? []).forEach((entry, i) => {
    if (!comparable.some((f) => f === entry || f.startsWith(`${entry}.`))) {
      const lower = entry.toLowerCase();
      const last = (f: string) => f.split('.').pop()!.toLowerCase();
      const near = comparable.find((f) => f.toLowerCase() === lower) ?? comparable.find((f) => last(f) === last(lower));
      fail(['overridable', i], `'${entry}' is not a field a child could loosen${near ? ` (did you mean ${near}?)` : ''}`);
    }
  });
  const ip = doc.network?.publishHostIp;
  if (ip !== undefined && isIP(ip) === 0) fail(['network', 'publishHostIp'], `not an IP address: ${ip}`);
  const limits = doc.resources?.limits;
  if (limits?.memory !== undefined && parseSize(limits.memory) < MIN_MEMORY_BYTES) {
    fail(['resources', 'limits', 'memory'], `must be at least 6m (the engine refuses less), got ${limits.memory}`);
  }
  if (limits?.cpu !== undefined) {
    try {
      parseCpu(limits.cpu);
    } catch (e) {
      fail(['resources', 'limits', 'cpu'], (e as Error).message);
    }
  }
  for (const [ulimitName, v] of Object.entries(doc.ulimits ?? {})) {
    if (typeof v === 'object' && v !== null && v.soft !== undefined && v.hard !== undefined && v.soft > v.hard) {
      fail(['ulimits', ulimitName, 'soft'], `soft limit ${v.soft} is above the hard limit ${v.hard}`);
    }
  }
  const seen = new Set<string>();
  (doc.tmpfs ?? []).forEach((t, i) => {
    if (t.path !== undefined && seen.has(t.path)) fail(['tmpfs', i, 'path'], `${t.path} is listed twice`);
    if (t.path !== undefined) seen.add(t.path);
    if (t.size !== undefined && parseSize(t.size) === 0) fail(['tmpfs', i, 'size'], 'must be above 0');
  });
}

