import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/** `policies[0].labels["app.kubernetes.io/name"]` from path segments; `(root)` for none. */
export function keyPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]{0,79}$/.test(s)) out += out === '' ? s : `.${s}`;
    else {
      // Quoted (so control characters show as escapes) and cut: a key can be as long as the file.
      const q = JSON.stringify(s);
      out += `[${q.length > 82 ? `${q.slice(0, 80)}…"` : q}]`;
    }
  }
  return out === '' ? '(root)' : out;
}

/** Segments of an ajv instancePath (a JSON pointer), numbers for array indexes. */
export function pointerSegments(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const raw = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: (string | number)[] = [];
  let cur: unknown = root;
  for (const s of raw) {
    if (Array.isArray(cur)) {
      const i = Number(s);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(s);
      // Own keys only: the path comes from the user's file and may say `constructor` or `__proto__`.
      cur = cur !== null && typeof cur === 'object' && Object.hasOwn(cur, s) ? (cur as Record<string, unknown>)[s] : undefined;
    }
  }
  return out;
}

export interface Located {
  /** The value node at the path (or the nearest existing ancestor). */
  value: Node | null;
  /** The key node when the last segment is a mapping key. */
  key: Node | null;
}

/** Finds the nodes for a path in a parsed YAML document. */
export function locate(root: Node | null, segments: readonly (string | number)[]): Located {
  let cur: Node | null = root;
  let key: Node | null = null;
  for (const s of segments) {
    if (cur && isMap(cur)) {
      const pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === String(s));
      if (!pair) return { value: cur, key: null };
      key = isScalar(pair.key) ? pair.key : null;
      cur = (pair.value as Node | null) ?? key;
    } else if (cur && isSeq(cur) && typeof s === 'number') {
      const item = cur.items[s] as Node | undefined;
      if (!item) return { value: cur, key: null };
      key = null;
      cur = item;
    } else {
      return { value: cur, key: null };
    }
  }
  return { value: cur, key };
}

export function positionOf(node: Node | null, lc: LineCounter): { line: number; col: number } {
  const offset = node?.range?.[0] ?? 0;
  const p = lc.linePos(offset);
  return { line: p.line, col: p.col };
}

/** Path of the first node (depth-first, document order) satisfying `pred`. */
export function findNode(
  root: Node | null,
  pred: (n: unknown) => boolean,
): { node: Node; path: (string | number)[] } | null {
  const walk = (n: unknown, path: (string | number)[]): { node: Node; path: (string | number)[] } | null => {
    if (pred(n)) return { node: n as Node, path };
    if (isMap(n)) {
      for (const p of n.items) {
        if (!isPair(p)) continue;
        const k = isScalar(p.key) ? String(p.key.value) : '?';
        const r = walk(p.value, [...path, k]);
        if (r) return r;
      }
    } else if (isSeq(n)) {
      for (let i = 0; i < n.items.length; i++) {
        const r = walk(n.items[i], [...path, i]);
        if (r) return r;
      }
    }
    return null;
  };
  return walk(root, []);
}

/** Paths of every mapping key (at any depth, in document order) whose text satisfies `pred`. */
export function findKeys(root: Node | null, pred: (key: string) => boolean): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (n: unknown, path: (string | number)[]): void => {
    if (isMap(n)) {
      for (const p of n.items) {
        if (!isPair(p) || !isScalar(p.key)) continue;
        const k = String(p.key.value);
        if (pred(k)) out.push([...path, k]);
        walk(p.value, [...path, k]);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(root, []);
  return out;
}
