// ConnectWise list parameters: a parser/evaluator for `conditions`, plus `orderBy` and `fields`, over JSON records.

export class ConditionError extends Error {}

type Value = string | number | boolean | null | Date;
type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; inner: Expr }
  | { kind: 'cmp'; field: string; op: string; value: Value | Value[] };

type Token = { t: 'ident' | 'str' | 'num' | 'date' | 'op' | 'lp' | 'rp' | 'comma'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(') { out.push({ t: 'lp', v: c }); i++; continue; }
    if (c === ')') { out.push({ t: 'rp', v: c }); i++; continue; }
    if (c === ',') { out.push({ t: 'comma', v: c }); i++; continue; }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      for (;;) {
        if (j >= src.length) throw new ConditionError(`Unterminated string starting at position ${i}`);
        const d = src[j]!;
        if (d === c) {
          // A doubled quote is an escaped quote, as in SQL.
          if (src[j + 1] === c) { s += c; j += 2; continue; }
          break;
        }
        if (d === '\\' && src[j + 1] === c) { s += c; j += 2; continue; }
        s += d;
        j++;
      }
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    if (c === '[') {
      const j = src.indexOf(']', i);
      if (j < 0) throw new ConditionError('Unterminated date literal');
      out.push({ t: 'date', v: src.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const op = /^(!=|<>|<=|>=|=|<|>)/.exec(src.slice(i));
    if (op) { out.push({ t: 'op', v: op[1] === '<>' ? '!=' : op[1]! }); i += op[1]!.length; continue; }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num && !/[A-Za-z_]/.test(src[i + num[0].length] ?? '')) { out.push({ t: 'num', v: num[0] }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][\w/.]*/.exec(src.slice(i));
    if (id) { out.push({ t: 'ident', v: id[0] }); i += id[0].length; continue; }
    throw new ConditionError(`Unexpected character '${c}' at position ${i}`);
  }
  return out;
}

const WORD_OPS = new Set(['contains', 'like', 'in', 'not']);

export function parseConditions(src: string): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const word = (w: string) => peek()?.t === 'ident' && peek()!.v.toLowerCase() === w;
  const expect = (t: Token['t']) => {
    const tok = toks[p++];
    if (!tok || tok.t !== t) throw new ConditionError(`Expected ${t} but found ${tok ? `'${tok.v}'` : 'end of conditions'}`);
    return tok;
  };
  const value = (): Value => {
    const tok = toks[p++];
    if (!tok) throw new ConditionError('Expected a value but found end of conditions');
    if (tok.t === 'str') return tok.v;
    if (tok.t === 'num') return Number(tok.v);
    if (tok.t === 'date') {
      const d = new Date(tok.v);
      if (Number.isNaN(d.getTime())) throw new ConditionError(`Invalid date [${tok.v}]`);
      return d;
    }
    if (tok.t === 'ident') {
      const w = tok.v.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
    }
    throw new ConditionError(`Expected a value but found '${tok.v}'`);
  };
  const comparison = (): Expr => {
    if (peek()?.t === 'lp') {
      p++;
      const e = orExpr();
      expect('rp');
      return e;
    }
    if (word('not') && toks[p + 1]?.t === 'lp') {
      p++;
      return { kind: 'not', inner: comparison() };
    }
    const field = expect('ident').v;
    if (WORD_OPS.has(field.toLowerCase())) throw new ConditionError(`Expected a field name but found '${field}'`);
    let op: string;
    const tok = peek();
    if (tok?.t === 'op') { op = tok.v; p++; }
    else if (word('contains') || word('like') || word('in')) { op = toks[p++]!.v.toLowerCase(); }
    else if (word('not')) {
      p++;
      if (word('contains') || word('like') || word('in')) op = 'not ' + toks[p++]!.v.toLowerCase();
      else throw new ConditionError(`Expected contains, like or in after 'not'`);
    } else throw new ConditionError(`Expected an operator after '${field}'`);
    if (op === 'in' || op === 'not in') {
      expect('lp');
      const list: Value[] = [value()];
      while (peek()?.t === 'comma') { p++; list.push(value()); }
      expect('rp');
      return { kind: 'cmp', field, op, value: list };
    }
    return { kind: 'cmp', field, op, value: value() };
  };
  const andExpr = (): Expr => {
    let left = comparison();
    while (word('and')) { p++; left = { kind: 'and', left, right: comparison() }; }
    return left;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (word('or')) { p++; left = { kind: 'or', left, right: andExpr() }; }
    return left;
  };
  if (toks.length === 0) throw new ConditionError('Empty conditions');
  const e = orExpr();
  if (p !== toks.length) throw new ConditionError(`Unexpected '${toks[p]!.v}' in conditions`);
  return e;
}

/** Field paths are `/`-separated and case-insensitive, as in ConnectWise (`board/name`, `company/identifier`). */
export function getPath(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const part of path.split(/[/.]/)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const key = Object.keys(cur).find((k) => k.toLowerCase() === part.toLowerCase());
    if (key === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function norm(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v)) return Date.parse(v);
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v).toLowerCase();
}

function likeToRegExp(pattern: string): RegExp {
  const esc = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/%/g, '.*');
  return new RegExp(`^${esc}$`, 's');
}

export function evaluate(expr: Expr, record: unknown): boolean {
  switch (expr.kind) {
    case 'and': return evaluate(expr.left, record) && evaluate(expr.right, record);
    case 'or': return evaluate(expr.left, record) || evaluate(expr.right, record);
    case 'not': return !evaluate(expr.inner, record);
    case 'cmp': {
      const actual = norm(getPath(record, expr.field));
      if (Array.isArray(expr.value)) {
        const hit = expr.value.some((v) => norm(v) === actual);
        return expr.op === 'in' ? hit : !hit;
      }
      const want = norm(expr.value);
      switch (expr.op) {
        case '=': return actual === want;
        case '!=': return actual !== want;
        case 'contains': return typeof actual === 'string' && typeof want === 'string' && actual.includes(want);
        case 'not contains': return !(typeof actual === 'string' && typeof want === 'string' && actual.includes(want));
        case 'like': return typeof actual === 'string' && likeToRegExp(String(expr.value)).test(actual);
        case 'not like': return !(typeof actual === 'string' && likeToRegExp(String(expr.value)).test(actual));
        default: {
          if (actual === null || want === null) return false;
          if (expr.op === '<') return actual < want;
          if (expr.op === '<=') return actual <= want;
          if (expr.op === '>') return actual > want;
          if (expr.op === '>=') return actual >= want;
          throw new ConditionError(`Unknown operator ${expr.op}`);
        }
      }
    }
  }
}

/** `orderBy=id desc, summary asc` */
export function sortBy<T>(records: T[], orderBy: string | null): T[] {
  const keys = (orderBy ?? 'id asc')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^([\w/.]+)(?:\s+(asc|desc))?$/i.exec(s);
      if (!m) throw new ConditionError(`Invalid orderBy clause '${s}'`);
      return { field: m[1]!, dir: (m[2] ?? 'asc').toLowerCase() === 'desc' ? -1 : 1 };
    });
  return [...records].sort((a, b) => {
    for (const k of keys) {
      const x = norm(getPath(a, k.field));
      const y = norm(getPath(b, k.field));
      if (x === y) continue;
      if (x === null) return -1 * k.dir;
      if (y === null) return 1 * k.dir;
      return (x < y ? -1 : 1) * k.dir;
    }
    return 0;
  });
}

/** `fields=id,summary,board/name` keeps only those paths. */
export function pickFields(record: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (!fields) return record;
  const out: Record<string, unknown> = {};
  for (const f of fields.split(',').map((s) => s.trim()).filter(Boolean)) {
    const parts = f.split('/');
    const v = getPath(record, f);
    if (v === undefined) continue;
    let cur = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) cur[part] = v;
      else cur = (cur[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}
