/**
 * Finds the line of a field in YAML text. js-yaml gives no positions for nodes, so schema
 * errors (which carry a JSON path) are mapped back to a line by walking block-style YAML by
 * indentation. Flow style (`{a: 1}`) and anchors resolve to the nearest enclosing key found.
 */

interface LineInfo {
  indent: number;
  text: string;
}

function info(line: string | undefined): LineInfo | undefined {
  if (line === undefined) return undefined;
  const text = line.trimStart();
  if (text === '' || text.startsWith('#') || text === '---' || text === '...') return undefined;
  return { indent: line.length - text.length, text };
}

const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"\-?:,[\]{}][^#]*?|-[^\s][^#]*?))\s*:(?:\s|$)/;

function keyOf(text: string): string | undefined {
  const m = KEY.exec(text);
  if (!m) return undefined;
  return m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3];
}

function firstIndent(view: string[], start: number, end: number): number | undefined {
  for (let i = start; i < end; i++) {
    const l = info(view[i]);
    if (l) return l.indent;
  }
  return undefined;
}

/**
 * 1-based line of the deepest segment of `path` found in `source` (the line of the key, or of
 * the `-` of a sequence item); undefined when not even the first segment is found.
 */
export function locateLine(source: string, path: ReadonlyArray<string | number>): number | undefined {
  const view = source.split(/\r?\n/);
  let start = 0;
  let end = view.length;
  let found: number | undefined;
  for (const seg of path) {
    const blockIndent = firstIndent(view, start, end);
    if (blockIndent === undefined) return found;
    let hit = -1;
    if (typeof seg === 'number') {
      let n = -1;
      for (let i = start; i < end && hit < 0; i++) {
        const l = info(view[i]);
        if (l && l.indent === blockIndent && /^-(\s|$)/.test(l.text) && ++n === seg) hit = i;
      }
      if (hit < 0) return found;
      found = hit + 1;
      let itemEnd = end;
      for (let i = hit + 1; i < end; i++) {
        const l = info(view[i]);
        if (l && l.indent <= blockIndent) {
          itemEnd = i;
          break;
        }
      }
      // "- key: v" -> "  key: v": the item's first key then sits at the item's own indent
      view[hit] = view[hit]!.replace(/^(\s*)-/, '$1 ');
      start = hit;
      end = itemEnd;
    } else {
      for (let i = start; i < end && hit < 0; i++) {
        const l = info(view[i]);
        if (l && l.indent === blockIndent && keyOf(l.text) === seg) hit = i;
      }
      if (hit < 0) return found;
      found = hit + 1;
      let blockEnd = end;
      for (let i = hit + 1; i < end; i++) {
        const l = info(view[i]);
        // a sequence may sit at its key's own indent ("key:\n- a"), so "-" lines stay inside
        if (l && (l.indent < blockIndent || (l.indent === blockIndent && !/^-(\s|$)/.test(l.text)))) {
          blockEnd = i;
          break;
        }
      }
      start = hit + 1;
      end = blockEnd;
    }
  }
  return found;
}

/** `["tmpfs", 0, "size"]` -> `tmpfs[0].size` (the form error messages use). */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}
