import type { Location } from '../model.js';
import type { FindingDraft } from '../rules/rule.js';
import type { ShellCommand, ShellScript } from './shell.js';

/**
 * Everything the Dockerfile rules may look at, built once per file by parse.ts. Rules are pure
 * functions of this object: no IO, no clock (the date is `settings.now`).
 */

export interface DfProperty {
  name: string;
  /** null when declared without a value (`ARG TOKEN`) */
  value: string | null;
  line: number;
}

export interface DfHeredoc {
  name: string;
  body: string;
  /** 1-based line of the body's first line */
  line: number;
}

export interface DfFlag {
  name: string;
  value: string | null;
}

export interface DfInstruction {
  /** upper-case keyword, e.g. RUN */
  keyword: string;
  /** 1-based first and last line */
  line: number;
  endLine: number;
  /** argument text: continuation lines joined, comment lines inside the instruction dropped */
  args: string;
  /** the words after the flags (shell form) */
  words: string[];
  /** exec (JSON array) form, when used: ["node", "app.js"] */
  json?: string[];
  flags: DfFlag[];
  heredocs: DfHeredoc[];
  /** the stage it belongs to; undefined for ARGs before the first FROM */
  stage?: DfStage;
  /** RUN (shell form or a shell heredoc): the parsed commands */
  shell?: ShellScript;
  /** ENV, ARG, LABEL: name/value pairs */
  properties: DfProperty[];
}

export interface BaseImage {
  /** as written after FROM */
  text: string;
  /** after substituting ARGs declared before FROM */
  resolved: string;
  /** a $VAR remained that no ARG default resolves */
  unresolved: boolean;
  /** host part when the reference names one (ghcr.io, registry:5000, localhost) */
  registry?: string;
  /** path without registry, tag or digest, e.g. node, library/node, org/app */
  repository: string;
  /** last path component of the repository, e.g. node */
  name: string;
  tag?: string;
  digest?: string;
  /** FROM <earlier stage name>: not an image at all */
  stageRef?: DfStage;
  scratch: boolean;
  line: number;
}

export interface DfStage {
  index: number;
  /** `AS name`, lower-cased as Docker does */
  name?: string;
  /** what findings show: the name, or "#<index>" */
  label: string;
  isFinal: boolean;
  from: BaseImage;
  instructions: DfInstruction[];
}

/** `# bulkhead ignore=DF001,DF002 reason` on the line(s) before an instruction. */
export interface DfSuppression {
  /** line of the comment */
  line: number;
  /** first line of the instruction it applies to; undefined when no instruction follows */
  appliesTo?: number;
  ids: string[];
  reason: string;
  /** filled by the runner after the other rules ran: ids that suppressed at least one finding */
  used: string[];
}

/** A build-context file looked at for secrets, and what its content says. */
export interface ContextFile {
  /** relative to the context directory, with / separators */
  path: string;
  /** secret: holds a credential; public: a public key or certificate; clean: read, nothing found; unknown: not readable as text */
  verdict: 'secret' | 'public' | 'clean' | 'unknown';
  /** what was found, for messages: "Private key (PEM)", "no secret found in its content" */
  what: string;
  /** redacted evidence for a secret */
  evidence?: string;
}

export interface BuildContextFacts {
  /** the context directory as findings show it */
  dir: string;
  /** why the context could not be looked at (Dockerfile from stdin, unlistable directory); lists are then empty */
  unreadable?: string;
  /** the .dockerignore read (relative display path), when there is one */
  dockerignore?: string;
  /** well-known secret paths that a `COPY . .` would send into the image */
  secretPathsNotIgnored: string[];
  /** files with secret-looking names that a `COPY . .` would send, with what their content says (secrets first) */
  secretFilesPresent: ContextFile[];
  /** the walk stopped at MAX_CONTEXT_ENTRIES: what it says covers only the entries it saw */
  truncated?: boolean;
  /** COPY/ADD sources with secret-looking names, by path relative to the context; a source not here is not in the context */
  sources: Record<string, ContextFile>;
}

export interface DockerfileSettings {
  /** registries base images may come from; empty means no check */
  trustedRegistries: string[];
  /** "today" for end-of-life checks (injectable for tests) */
  now: Date;
}

export interface DockerfileFacts {
  /** display path, as findings name it */
  path: string;
  /** instructions in file order (ARGs before the first FROM included, without a stage) */
  instructions: DfInstruction[];
  stages: DfStage[];
  finalStage?: DfStage;
  /** ARGs declared before the first FROM, with defaults */
  globalArgs: DfProperty[];
  suppressions: DfSuppression[];
  /** the build context (--context, or the Dockerfile's directory); filled by the reader after parsing */
  context?: BuildContextFacts;
  settings: DockerfileSettings;
}

/** Location of an instruction; stage only for build-only stages, as the report model says. */
export function at(instr: DfInstruction, line: number = instr.line): Location {
  const stage = instr.stage && !instr.stage.isFinal ? instr.stage.label : undefined;
  return { line, ...(line === instr.line && instr.endLine > instr.line ? { endLine: instr.endLine } : {}), ...(stage ? { stage } : {}) };
}

/** A finding draft at an instruction, keyed for the fingerprint by what it is about. */
export function draftAt(instr: DfInstruction, message: string, key: string, extra: Partial<FindingDraft> = {}): FindingDraft {
  return { message, location: at(instr), key: `${instr.stage?.label ?? 'global'}|${key}`, ...extra };
}

/** Line of a command inside a RUN (heredoc bodies keep their own lines). */
export function commandLine(instr: DfInstruction, c: ShellCommand): number {
  return instr.line + c.lineOffset - 1;
}

export interface RunCommand {
  instr: DfInstruction;
  cmd: ShellCommand;
  script: ShellScript;
}

const RUN_COMMANDS = new WeakMap<DockerfileFacts, RunCommand[]>();

/** Every RUN's commands, in file order (listed once per file; most rules walk them). */
export function runCommands(facts: DockerfileFacts): RunCommand[] {
  let list = RUN_COMMANDS.get(facts);
  if (!list) {
    list = [];
    for (const instr of facts.instructions) {
      if (instr.shell) for (const cmd of instr.shell.commands) list.push({ instr, cmd, script: instr.shell });
    }
    RUN_COMMANDS.set(facts, list);
  }
  return list;
}

export function flag(instr: DfInstruction, name: string): DfFlag | undefined {
  return instr.flags.find((f) => f.name === name);
}

/** Short text of an instruction for messages and fingerprints (one line, bounded). */
export function brief(instr: DfInstruction): string {
  const text = `${instr.keyword} ${instr.args}`.replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `--long`, `--long=value`, or a short letter inside a cluster like `-qy`. */
export function hasOption(args: readonly string[], long: string[], short: string[] = []): boolean {
  return args.some((a) => {
    if (a.startsWith('--')) return long.some((l) => a === l || a.startsWith(`${l}=`));
    if (a.startsWith('-') && a.length > 1) return short.some((s) => a.slice(1).includes(s));
    return false;
  });
}

/** Words that are not options (and not option values we know of). */
export function operands(args: readonly string[]): string[] {
  return args.filter((a) => !a.startsWith('-'));
}

/**
 * The paths a command writes or changes: cp/mv/install/ln their destination, sed only with -i,
 * dd its of=, and every operand of tee, rm, chmod, chown, truncate and the like.
 */
export function writtenPaths(cmd: ShellCommand): string[] {
  const files = operands(cmd.args);
  switch (cmd.name) {
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln':
      return files.slice(-1);
    case 'sed':
      return cmd.args.some((a) => a.startsWith('-i') || a === '--in-place') ? files : [];
    case 'dd':
      return cmd.args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3));
    default:
      return files;
  }
}
