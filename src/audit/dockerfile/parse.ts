import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import type { TargetError } from '../model.js';
import type { BaseImage, BuildContextFacts, DfFlag, DfHeredoc, DfInstruction, DfProperty, DfStage, DfSuppression, DockerfileFacts, DockerfileSettings } from './facts.js';
import { parseShell, SHELLS } from './shell.js';

export const KNOWN_INSTRUCTIONS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const FLAG_KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'FROM', 'HEALTHCHECK']);
const WORDS_NEEDED = new Set(['FROM', 'USER', 'EXPOSE', 'COPY', 'ADD', 'VOLUME', 'WORKDIR', 'STOPSIGNAL', 'ONBUILD', 'HEALTHCHECK', 'MAINTAINER']);

const SUPPRESSION = /^#\s*bulkhead\s+ignore=([A-Za-z0-9_,-]*)\s*(.*)$/i;

/** Substitutes ${VAR}, ${VAR:-default} and $VAR from ARGs declared before FROM. */
function substitute(text: string, args: Map<string, string | null>): { value: string; unresolved: boolean } {
  let unresolved = false;
  const value = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const v = args.get(name);
    if (op === '-' && (v === undefined || v === null || v === '')) return word ?? '';
    if (op === '+') return v ? (word ?? '') : '';
    if (v === undefined || v === null) {
      unresolved = true;
      return '';
    }
    return v;
  });
  return { value, unresolved };
}

/** Splits an image reference into registry, repository, tag and digest (Docker's rules). */
export function parseImageRef(ref: string): Pick<BaseImage, 'registry' | 'repository' | 'name' | 'tag' | 'digest'> {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const repository = rest.toLowerCase();
  const name = repository.slice(repository.lastIndexOf('/') + 1);
  return { registry, repository, name, tag: tag || undefined, digest: digest || undefined };
}

/** The text of a line/character range, from the already split lines (no re-tokenising). */
function sliceLines(lines: string[], from: { line: number; character: number }, to: { line: number; character: number }): string {
  if (from.line === to.line) return (lines[from.line] ?? '').slice(from.character, to.character);
  return [(lines[from.line] ?? '').slice(from.character), ...lines.slice(from.line + 1, to.line), (lines[to.line] ?? '').slice(0, to.character)].join('\n');
}

// names like robots.txt are allowed (`COPY <<robots.txt <<humans.txt /usr/share/nginx/html/`)
const HEREDOC_START = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/g;

/**
 * Heredocs of RUN/COPY/ADD: the delimiters named on the first line, each body running to its
 * delimiter line (<<- strips leading tabs). dockerfile-ast has already made them part of the
 * instruction's range; reading them here avoids re-tokenising the instruction per accessor.
 */
function heredocsOf(raw: string, firstLine: number): DfHeredoc[] {
  const [first = '', ...rest] = raw.split('\n');
  const out: DfHeredoc[] = [];
  let cursor = 0;
  for (const m of first.matchAll(HEREDOC_START)) {
    const stripTabs = m[1] === '-';
    const name = m[3]!;
    const body: string[] = [];
    const startIndex = cursor;
    while (cursor < rest.length) {
      const l = rest[cursor++]!;
      if ((stripTabs ? l.replace(/^\t+/, '') : l).trimEnd() === name) break;
      body.push(stripTabs ? l.replace(/^\t+/, '') : l);
    }
    out.push({ name, body: body.join('\n'), line: firstLine + 1 + startIndex });
  }
  return out;
}

/** Leading --name[=value] flags of RUN/COPY/ADD/FROM/HEALTHCHECK. */
function flagsOf(args: string): DfFlag[] {
  const out: DfFlag[] = [];
  const re = /^--([A-Za-z][A-Za-z0-9-]*)(?:=("[^"]*"|'[^']*'|\S*))?(?:\s+|$)/;
  let rest = args;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    out.push({ name: m[1]!.toLowerCase(), value: m[2] === undefined ? null : m[2].replace(/^(["'])(.*)\1$/, '$2') });
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** Argument text: comment lines inside a continued instruction dropped (as Docker does), continuations joined. */
function joinArguments(raw: string, escape: string, heredocs: DfHeredoc[]): string {
  let text = raw;
  if (heredocs.length) text = raw.split('\n')[0] ?? '';
  const kept = text.split('\n').filter((l, i) => i === 0 || !/^\s*#/.test(l));
  const joined: string[] = [];
  for (const l of kept) {
    const trimmed = l.replace(/\s+$/, '');
    if (trimmed.endsWith(escape)) joined.push(trimmed.slice(0, -escape.length));
    else joined.push(`${trimmed}\n`);
  }
  return joined.join('').replace(/\n$/, '').trim();
}

function jsonForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed;
  } catch {
    // not JSON: Docker runs it in shell form
  }
  return undefined;
}

function propertiesOf(instr: Instruction, line: number): DfProperty[] {
  const withProps = instr as unknown as { getProperties?: () => Array<{ getName(): string; getValue(): string | null; getRange(): { start: { line: number } } }>; getProperty?: () => { getName(): string; getValue(): string | null } | null };
  if (withProps.getProperties) return withProps.getProperties().map((p) => ({ name: p.getName(), value: p.getValue(), line: p.getRange().start.line + 1 }));
  if (withProps.getProperty) {
    const p = withProps.getProperty();
    return p ? [{ name: p.getName(), value: p.getValue(), line }] : [];
  }
  return [];
}

/** Splits shell text into logical lines (continuations joined) with their 1-based offsets. */
function logicalLines(text: string, firstOffset: number): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let current = '';
  let start = firstOffset;
  text.split('\n').forEach((l, i) => {
    if (current === '') start = firstOffset + i;
    if (/\\\s*$/.test(l)) current += `${l.replace(/\\\s*$/, '')} `;
    else {
      out.push({ text: current + l, offset: start });
      current = '';
    }
  });
  if (current) out.push({ text: current, offset: start });
  return out;
}

export interface ParsedDockerfile {
  facts: DockerfileFacts;
  /** problems that do not stop the rules (unknown instruction, trailing continuation, no FROM) */
  errors: TargetError[];
}

/** Text -> facts, once per file, for every rule. Pure: the build context and settings are passed in. */
export function parseDockerfile(text: string, path: string, context: BuildContextFacts | undefined, settings: DockerfileSettings): ParsedDockerfile {
  const errors: TargetError[] = [];
  const lines = text.split(/\r?\n/);
  const df = DockerfileParser.parse(text);
  const escape = df.getEscapeCharacter();
  const globalArgs: DfProperty[] = [];
  const argValues = new Map<string, string | null>();
  const stages: DfStage[] = [];
  const instructions: DfInstruction[] = [];
  let shellIsPipefail = false;
  let current: DfStage | undefined;

  const parsedInstructions = df.getInstructions();
  for (const ins of parsedInstructions) {
    const keyword = ins.getKeyword().toUpperCase();
    const range = ins.getRange();
    const line = range.start.line + 1;
    if (!KNOWN_INSTRUCTIONS.has(keyword)) {
      errors.push({ message: `unknown instruction ${ins.getKeyword()}`, location: { path, line } });
      continue;
    }
    const raw = sliceLines(lines, ins.getInstructionRange().end, range.end).trim();
    const heredocs = HEREDOC_KEYWORDS.has(keyword) && raw.includes('<<') ? heredocsOf(raw, range.start.line + 1) : [];
    const args = joinArguments(raw, escape, heredocs);
    const flags = FLAG_KEYWORDS.has(keyword) ? flagsOf(args) : [];
    // Docker splits these instructions' shell form on whitespace (no quote handling), so a split
    // of the joined text is exact and avoids dockerfile-ast re-tokenising every instruction
    const words = WORDS_NEEDED.has(keyword) ? args.split(/\s+/).filter(Boolean) : [];
    const json = ['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'VOLUME', 'HEALTHCHECK'].includes(keyword) ? jsonForm(args.replace(/^(--\S+\s+)+/, '')) : undefined;
    const instr: DfInstruction = { keyword, line, endLine: range.end.line + 1, args, words, flags, heredocs, properties: propertiesOf(ins, line), ...(json ? { json } : {}) };

    if (keyword === 'FROM') {
      const imageWord = words.find((w) => !w.startsWith('--')) ?? '';
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      const name = asIndex >= 0 ? words[asIndex + 1]?.toLowerCase() : undefined;
      const { value, unresolved } = substitute(imageWord, argValues);
      const stageRef = stages.find((s) => s.name !== undefined && s.name === value.toLowerCase());
      const from: BaseImage = { text: imageWord, resolved: value, unresolved, scratch: value.toLowerCase() === 'scratch', line, ...parseImageRef(value), ...(stageRef ? { stageRef } : {}) };
      current = { index: stages.length, ...(name ? { name } : {}), label: name ?? `#${stages.length}`, isFinal: false, from, instructions: [] };
      stages.push(current);
    }
    if (current) {
      instr.stage = current;
      current.instructions.push(instr);
    } else if (keyword === 'ARG') {
      for (const p of instr.properties) {
        globalArgs.push(p);
        argValues.set(p.name, p.value);
      }
    } else {
      errors.push({ message: `${keyword} before the first FROM (only ARG may come first)`, location: { path, line } });
    }
    if (keyword === 'SHELL' && instr.json) shellIsPipefail = instr.json.includes('pipefail');
    if (keyword === 'RUN') {
      if (!instr.json) {
        const first = args.split('\n')[0] ?? '';
        const heredocOnly = heredocs.length > 0 && /^\s*((\/bin\/)?(ba|da|a)?sh\s+(-\w+\s+)*)?<<-?\s*["']?[\w.-]+["']?\s*$/.test(first);
        const script = heredocOnly ? heredocs.flatMap((h) => logicalLines(h.body, h.line - line + 1)) : logicalLines(args, 1);
        // RUN python3 <<EOF: the body is python, not shell; only the command line is shell
        if (heredocs.length && !heredocOnly) script.splice(0, script.length, { text: first.replace(/<<-?\s*["']?[\w.-]+["']?/g, ''), offset: 1 });
        instr.shell = parseShell(script, { pipefail: shellIsPipefail });
      } else if (SHELLS.has(instr.json[0] ?? '') && instr.json[1] === '-c' && instr.json[2] !== undefined) {
        instr.shell = parseShell([{ text: instr.json[2], offset: 1 }], { pipefail: shellIsPipefail });
      } else {
        instr.shell = parseShell([{ text: instr.json.map((w) => (/[\s'"$`\\|&;<>()]/.test(w) ? `'${w.replaceAll("'", "'\\''")}'` : w)).join(' '), offset: 1 }]);
      }
    }
    instructions.push(instr);
  }
  const last = stages.at(-1);
  if (last) last.isFinal = true;
  if (stages.length === 0 && errors.length === 0) errors.push({ message: 'no FROM instruction: not a Dockerfile?', location: { path } });

  const lastInstr = parsedInstructions.at(-1);
  const lastText = lines.slice(lastInstr ? lastInstr.getRange().end.line : 0).join('\n').trimEnd();
  if (lastInstr && lastText.endsWith(escape)) {
    errors.push({ message: `the file ends inside a continued instruction (trailing ${escape})`, location: { path, line: lastInstr.getRange().start.line + 1 } });
  }

  const suppressions = findSuppressions(lines, instructions);
  return { facts: { path, instructions, stages, ...(last ? { finalStage: last } : {}), globalArgs, suppressions, ...(context ? { context } : {}), settings }, errors };
}

function findSuppressions(lines: string[], instructions: DfInstruction[]): DfSuppression[] {
  const out: DfSuppression[] = [];
  const starts = new Map(instructions.map((i) => [i.line, i]));
  lines.forEach((text, i) => {
    const m = SUPPRESSION.exec(text.trim());
    if (!m) return;
    const ids = m[1]!.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    let next: number | undefined;
    for (let j = i + 1; j < lines.length; j++) {
      const t = lines[j]!.trim();
      if (t === '' || t.startsWith('#')) continue;
      if (starts.has(j + 1)) next = j + 1;
      break;
    }
    out.push({ line: i + 1, ...(next ? { appliesTo: next } : {}), ids, reason: m[2]!.trim(), used: [] });
  });
  return out;
}
