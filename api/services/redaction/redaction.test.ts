// Redaction against the generated corpus (recall per category, false redactions on look-alikes),
// normalisation, linear time for every detector, and the account's patterns on RE2.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES } from '../settings.js';
import { CATEGORY_NAMES, generateCorpus, LOOKALIKES_LIST, POSITIVES } from './corpus.js';
import { DETECTORS, findSecrets, luhnValid, patternProblem, redact, redactThenTruncate, rulesFromPreferences, runDetector } from './index.js';

function score(positives = POSITIVES, lookalikes = LOOKALIKES_LIST) {
  const perCategory = new Map<string, { found: number; total: number }>();
  const missed: string[] = [];
  for (const sample of positives) {
    const out = redact(sample.text).text;
    const row = perCategory.get(sample.category) ?? { found: 0, total: 0 };
    for (const secret of sample.secrets) {
      row.total++;
      if (out.includes(secret)) missed.push(`[${sample.category}] ${JSON.stringify(sample.text)} → ${JSON.stringify(out)}`);
      else row.found++;
    }
    perCategory.set(sample.category, row);
  }
  const falseRedactions = lookalikes.map((l) => ({ ...l, out: redact(l.text).text })).filter((r) => r.out !== r.text);
  return { perCategory, missed, falseRedactions };
}

describe('redaction corpus (generated)', () => {
  it('is generated, the same each run, and big enough', () => {
    const secrets = POSITIVES.reduce((n, p) => n + p.secrets.length, 0);
    expect(secrets).toBeGreaterThanOrEqual(300);
    expect(CATEGORY_NAMES.length).toBeGreaterThanOrEqual(30);
    expect(LOOKALIKES_LIST.length).toBeGreaterThanOrEqual(150);
    expect(generateCorpus()).toEqual({ positives: POSITIVES, lookalikes: LOOKALIKES_LIST });
  });

  it('finds 100% of the secrets in every category and redacts at most 2% of the look-alikes', () => {
    const { perCategory, missed, falseRedactions } = score();
    const table = [...perCategory].map(([category, r]) => ({ category, recall: `${((100 * r.found) / r.total).toFixed(0)}%`, found: r.found, total: r.total }));
    const secrets = table.reduce((n, r) => n + r.total, 0);
    console.table(table);
    console.log(`recall ${secrets - missed.length}/${secrets}; false redactions ${falseRedactions.length}/${LOOKALIKES_LIST.length}`);
    for (const f of falseRedactions) console.log(`false redaction [${f.category}] ${JSON.stringify(f.text)} → ${JSON.stringify(f.out)}`);
    expect(missed).toEqual([]);
    expect(falseRedactions.length / LOOKALIKES_LIST.length).toBeLessThanOrEqual(0.02);
  });

  it('generalises: a corpus from another seed scores the same', () => {
    const other = generateCorpus(7_700_001, 6, 10);
    const { missed, falseRedactions } = score(other.positives, other.lookalikes);
    expect(missed).toEqual([]);
    expect(falseRedactions.length / other.lookalikes.length).toBeLessThanOrEqual(0.02);
  });

  it('is idempotent: redacting redacted text changes nothing, and a marker never shields the text around it', () => {
    const changed = POSITIVES.map((p) => redact(p.text).text).filter((once) => redact(once).text !== once);
    expect(changed).toEqual([]);
    const pasted = '-----BEGIN RSA PRIVATE KEY-----\n[redacted password]\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END RSA PRIVATE KEY-----';
    expect(redact(pasted).text).not.toContain('MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn');
  });

  it('keeps the words around a secret, so the note still reads', () => {
    expect(redact('Reset password for jdoe, temp password is Winter2026! and told her by phone').text).toBe(
      'Reset password for jdoe, temp password is [redacted password] and told her by phone',
    );
    expect(redact('Server=NW-SQL01;User Id=qb;Password=Qb$2026secure;').text).toBe('Server=NW-SQL01;User Id=qb;Password=[redacted connection string];');
    expect(redact('Temporary password given to Maria by phone: Spring2026!Dental').text).toBe('Temporary password given to Maria by phone: [redacted password]');
  });

  it('counts what it removed, by kind', () => {
    const r = redact('password: Hunter2 and card 4111 1111 1111 1111');
    expect(r.counts).toEqual({ password: 1, 'card number': 1 });
  });

  it('applies the account words and patterns from settings', () => {
    const rules = rulesFromPreferences({ redaction: { patterns: ['CUST-\\d{6}'], words: ['Project Falcon', 'acme-internal'] } });
    const r = redact('Project Falcon host acme-internal.local, customer CUST-004211; falconry is fine', rules);
    expect(r.text).toBe('[redacted account word] host [redacted account word].local, customer [redacted account pattern]; falconry is fine');
    expect(redact('Project Falcon', rulesFromPreferences(DEFAULT_PREFERENCES)).text).toBe('Project Falcon');
  });

  it('takes a custom marker (templates use placeholders)', () => {
    expect(redact('net user jdoe N3wStart!2026 /add', undefined, { marker: (k) => `<${k}>` }).text).toBe('net user jdoe <password> /add');
  });

  it('merges overlapping findings into one span', () => {
    expect(findSecrets('password=Password=Abc123!x')).toHaveLength(1);
  });

  it('checks card numbers with Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});

describe('normalisation (pasted text)', () => {
  it('sees through zero-width spaces, Cyrillic look-alikes and full-width letters, and redacts the original text', () => {
    const zw = 'pass\u200Bword: Kx9!mQ2v and the rest';
    expect(redact(zw).text).toBe('pass\u200Bword: [redacted password] and the rest');
    const cyr = 'p\u0430ssw\u043Erd is Tr0ub4dor&3 ok';
    expect(redact(cyr).text).toBe('p\u0430ssw\u043Erd is [redacted password] ok');
    const wide = '\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44\uFF1A\uFF34\uFF52\uFF0F\uFF11\uFF12\uFF13\uFF4B';
    const out = redact(`${wide} end`).text;
    expect(out).toBe(`\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44\uFF1A[redacted password] end`);
    // offsets are in the original text, even with astral characters before the secret
    const emoji = '😀😀 password: Hunter2!x';
    const f = findSecrets(emoji)[0]!;
    expect(emoji.slice(f.start, f.end)).toBe('Hunter2!x');
  });

  it('redacts before truncating, so a cut cannot separate a keyword from its value', () => {
    const text = `${'x '.repeat(10)}password: Hunter2!x and more`;
    const cut = redactThenTruncate(text, 30);
    expect(cut).not.toContain('Hunter2');
    expect(redactThenTruncate(text, 2000)).toContain('[redacted password]');
  });
});

describe('linear time', () => {
  const now = () => performance.now();
  function timeOf(fn: () => void): number {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = now();
      fn();
      best = Math.min(best, now() - t0);
    }
    return best;
  }
  const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

  it('every detector runs in linear time on adversarial text (its own keywords and near-misses, 10 KB vs 100 KB)', () => {
    const rows: { detector: string; probe: string; ms10k: number; ms100k: number; ratio: number }[] = [];
    for (const d of DETECTORS) {
      const probes = [...d.probes, ...d.probes.map((p) => p + 'a'), ...d.probes.map((p) => `${p}\n`)];
      for (const probe of probes) {
        const small = fill(probe, 10_000);
        const large = fill(probe, 100_000);
        runDetector(d, small); // warm up
        const measure = () => {
          const t10 = timeOf(() => runDetector(d, small));
          const t100 = timeOf(() => runDetector(d, large));
          return { ms10k: +t10.toFixed(2), ms100k: +t100.toFixed(2), ratio: +(t100 / Math.max(t10, 5)).toFixed(1) };
        };
        // A shared 2-core machine stalls now and then: a row over the bounds is measured again (twice at
        // most) and the best kept. Quadratic growth shows every time; a stall does not.
        let best = measure();
        for (let retry = 0; retry < 2 && (best.ratio >= 30 || best.ms100k > 1500); retry++) {
          const again = measure();
          if (again.ratio < best.ratio) best = again;
        }
        rows.push({ detector: d.name, probe: JSON.stringify(probe), ...best });
      }
    }
    const worst = [...rows].sort((a, b) => b.ms100k - a.ms100k).slice(0, 8);
    console.table(worst);
    // Linear growth is ×10; quadratic would be ×100. Absolute bound generous for 2 shared cores.
    expect(rows.filter((r) => r.ratio >= 30)).toEqual([]);
    expect(rows.filter((r) => r.ms100k > 1500)).toEqual([]);
  }, 300_000);

  it('the whole redactor grows linearly on "login:" repeated (60 KB took a third of a second, growing quadratically, before)', () => {
    const ratioOf = (unit: string) => {
      const small = fill(unit, 10_000);
      const large = fill(unit, 100_000);
      redact(small);
      let best = Infinity;
      for (let i = 0; i < 3 && best >= 30; i++) best = Math.min(best, timeOf(() => redact(large)) / Math.max(timeOf(() => redact(small)), 5));
      return best;
    };
    const ratios = ['login:', 'login: ', 'password:', 'password for ', 'creds ', 'PIN ', '-----BEGIN RSA PRIVATE KEY-----'].map((u) => [u, ratioOf(u)] as const);
    expect(ratios.filter(([, r]) => r >= 30)).toEqual([]);
    expect(timeOf(() => redact(fill('login:', 60_000)))).toBeLessThan(1500);
  }, 120_000);
});

describe('account patterns on RE2', () => {
  it('runs (a+)+$ in linear time instead of stalling the process', () => {
    const rules = { patterns: ['(a+)+$'], words: [] };
    const t0 = performance.now();
    const out = redact(`${'a'.repeat(40)}!`, rules).text;
    redact(`${'a'.repeat(20_000)}!`, rules);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(out).toBe(`${'a'.repeat(40)}!`);
    expect(redact('aaaa', rules).text).toBe('[redacted account pattern]');
  });

  it('names what RE2 cannot compile', () => {
    expect(patternProblem('CUST-\\d{6}')).toBeNull();
    expect(patternProblem('(?=secret)\\w+')).toMatch(/lookahead/);
    expect(patternProblem('(a)\\1')).toMatch(/back-reference/);
    expect(patternProblem('a*')).toMatch(/empty/);
  });
});
