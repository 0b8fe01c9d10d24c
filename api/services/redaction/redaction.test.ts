// Redaction against the generated corpus (recall per category, false redactions on look-alikes),
// normalisation, linear time for every detector, and the account's patterns on RE2.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES } from '../settings.js';
import { CATEGORY_NAMES, generateCorpus, LOOKALIKES_LIST, POSITIVES } from './corpus.js';
import { DETECTORS, findSecrets, luhnValid, patternProblem, redact, redactThenTruncate, rulesFromPreferences, runDetector } from './index.js';

/**
 * A secret counts as hidden only if every place it occurs is wholly covered by what the redactor finds:
 * "Pass[redacted]" for "Passw0rd99" leaks four characters even though the whole string is gone.
 */
function fullyHidden(text: string, secret: string): boolean {
  if (redact(text).text.includes(secret)) return false;
  // A trailing full stop or comma is as likely the sentence's as the secret's; the rest must be covered.
  const core = secret.replace(/[.,;]+$/, '');
  const spans = findSecrets(text);
  const at0 = text.indexOf(secret);
  if (at0 < 0) return true;
  for (let at = at0; at >= 0; at = text.indexOf(secret, at + 1)) {
    let reach = at;
    for (const f of [...spans].sort((x, y) => x.start - y.start)) if (f.start <= reach && f.end > reach) reach = f.end;
    if (reach < at + core.length) return false;
  }
  return true;
}

function score(positives = POSITIVES, lookalikes = LOOKALIKES_LIST) {
  const perCategory = new Map<string, { found: number; total: number }>();
  const missed: string[] = [];
  for (const sample of positives) {
    const out = redact(sample.text).text;
    const row = perCategory.get(sample.category) ?? { found: 0, total: 0 };
    for (const secret of sample.secrets) {
      row.total++;
      if (!fullyHidden(sample.text, secret)) missed.push(`[${sample.category}] ${JSON.stringify(sample.text)} → ${JSON.stringify(out)}`);
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

// Spellings written by hand, outside the generator's templates: a guard against fitting the detectors
// to the generator (format-shaped tokens stay in the generator, so scanners do not flag this file).
const HAND_POSITIVES: [string, string][] = [
    ['Temporary password given to Maria by phone: Spring2026!Dental', 'Spring2026!Dental'],
    ['the password for the admin account is Xk29!mmq', 'Xk29!mmq'],
    // A plain lowercase word that ends the sentence after "is" / "changed to".
    ['the password for the admin account is sunflower', 'sunflower'],
    ['Her password was changed to marigold.', 'marigold'],
    ['pw for jdoe: Tulip77#', 'Tulip77#'],
    ['new pass Blue42sky', 'Blue42sky'],
    ['creds are jdoe / Moon$hine9', 'Moon$hine9'],
    ['login jdoe Qwerty!234', 'Qwerty!234'],
    ['PIN 4821', '4821'],
    ['password:\nGr33nT3a!', 'Gr33nT3a!'],
    ['Contraseña: Verano2026!', 'Verano2026!'],
    ['Passwort: Sommer!2026x', 'Sommer!2026x'],
    ['mot de passe: Soleil#2026', 'Soleil#2026'],
    ['senha: Praia2026$', 'Praia2026$'],
    ['wachtwoord: Fiets!2026', 'Fiets!2026'],
    ['net user jsmith Welcome2026! /add', 'Welcome2026!'],
    ['runas /user:admin cmd & psexec \\\\pc01 -u admin -p Adm!n2026 cmd', 'Adm!n2026'],
    ['sshpass -p S3cr3tPw ssh root@10.0.0.1', 'S3cr3tPw'],
    ['mysql -uroot -pR00tPass!', 'R00tPass!'],
    ['app.exe --password=Hunter2!x', 'Hunter2!x'],
    ['app.exe --password Hunter2!x', 'Hunter2!x'],
    ['Connect-Thing -Password Hunter2!x', 'Hunter2!x'],
    ['$s = ConvertTo-SecureString "P@ss1234" -AsPlainText -Force', 'P@ss1234'],
    ['New-LocalUser "tech" -Password $p; $p = ConvertTo-SecureString "Tech#2026" -AsPlainText -Force', 'Tech#2026'],
    ['curl -u admin:N4sPass! https://nas', 'N4sPass!'],
    ['PGPASSWORD=pgpass99 psql', 'pgpass99'],
    ['smbclient //fs/share -U bob%B0bPass', 'B0bPass'],
    ['WPA2 key: correcthorse77', 'correcthorse77'],
    ['IPsec PSK: 8fh3K9s0dLq', '8fh3K9s0dLq'],
    ['SSID CorpWifi password W1f1Pass!', 'W1f1Pass!'],
    ['Wi-Fi key is sunshine2026', 'sunshine2026'],
    ['L2TP pre-shared key = MyL2tpKey2026', 'MyL2tpKey2026'],
    ['BitLocker recovery key 123456-234567-345678-456789-567890-678901-789012-890123', '123456-234567-345678-456789-567890-678901-789012-890123'],
    ['Recovery codes: 8f2k-9d3m 7h4j-2k8l', '8f2k-9d3m'],
    ['one-time code 482913', '482913'],
    ['secret=Zx8Qp2Lm9Vb4Nc7K', 'Zx8Qp2Lm9Vb4Nc7K'],
    ['client_secret: "k8Jd~2mQ.pL9vX3nR7tY"', 'k8Jd~2mQ.pL9vX3nR7tY'],
    ['api_key = a8f5f167f44f4964e6c998dee827110c', 'a8f5f167f44f4964e6c998dee827110c'],
    ['apikey: 7Hs9dK2mP4qL8vN3xR6t', '7Hs9dK2mP4qL8vN3xR6t'],
    ['token: ZmFrZXRva2VuMTIzNDU2Nzg5', 'ZmFrZXRva2VuMTIzNDU2Nzg5'],
    ['auth=Qm9yZWQ0TWVAMjAyNg', 'Qm9yZWQ0TWVAMjAyNg'],
    ['<apiKey>9sKd83JdmQ02LxPq</apiKey>', '9sKd83JdmQ02LxPq'],
    ['API_TOKEN="u7Yh3Ks9Lp2Qm8Nv"', 'u7Yh3Ks9Lp2Qm8Nv'],
    ['https://user:Pa55word@host.example.com', 'Pa55word'],
    ['https://example.com/api?token=abc123def456ghi789', 'abc123def456ghi789'],
    ['the password is hunter2', 'hunter2'],
    ['PIN: 0000', '0000'],
    ['Passcode 7741', '7741'],
    ['password is "open sesame"', 'open sesame'],
    ['Windows key: W269N-WFGWX-YVC9B-4J6C9-T83GX', 'W269N-WFGWX-YVC9B-4J6C9-T83GX'],
    ['Your verification code is 554433', '554433'],
    ['Password\tHunter2!9', 'Hunter2!9'],
    ['Admin password: correcthorsebatterystaple', 'correcthorsebatterystaple'],
    ['password = sunflower', 'sunflower'],
    ['Wi-Fi: GuestNet / Welcome123', 'Welcome123'],
    ['Hi Sam, your new temporary password is: Maple#4417 — please change it at first sign-in.', 'Maple#4417'],
    ['Username: front.desk\nPassword: Welcome@2026', 'Welcome@2026'],
    ['user jdoe pass Tr1cky!Pass', 'Tr1cky!Pass'],
    ['set local admin pw to Adm1n$2026 on all workstations', 'Adm1n$2026'],
    ['PW: summer2026', 'summer2026'],
    ['Password for the Synology: Syn0logy!', 'Syn0logy!'],
    ['psexec.exe \\\\WS-22 -u CORP\\itadmin -p "Corp!2026x" cmd.exe', 'Corp!2026x'],
    ['runas /netonly /user:CORP\\svc "mmc" (pw Svc#Pass2026)', 'Svc#Pass2026'],
    ['Invoke-Command -Credential (New-Object PSCredential("admin", (ConvertTo-SecureString "Inv0ke!Pw" -AsPlainText -Force)))', 'Inv0ke!Pw'],
    ['New-LocalUser -Name "kiosk" -Password (ConvertTo-SecureString -String "K1osk#2026" -AsPlainText -Force)', 'K1osk#2026'],
    ['mysql -h db01 -u app -pAppPass2026 crm', 'AppPass2026'],
    ['mysql --user=root --password=R00t!2026', 'R00t!2026'],
    ['Wi-Fi password for the guest network: Guest2026!', 'Guest2026!'],
    ['The WPA2 passphrase is "blue ocean 77"', 'blue ocean 77'],
    ['Meraki site-to-site PSK = Mer@kiPsk2026', 'Mer@kiPsk2026'],
    ['FortiGate IPsec: set psksecret ENC Fort1Psk!2026', 'Fort1Psk!2026'],
    ['Client secret value: Xy7~Qm2.Lp9_Rt5-Wn3~Hk8.Jd4_Fs6-Bv1', 'Xy7~Qm2.Lp9_Rt5-Wn3~Hk8.Jd4_Fs6-Bv1'],
    ['portal: https://admin:Adm1nPortal@10.0.0.1:8443/', 'Adm1nPortal'],
    ['https://api.vendor.com/v2/devices?apikey=9f8e7d6c5b4a39281706f5e4d3c2b1a0', '9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
    ['Twilio auth token: 0123456789abcdef0123456789abcdef', '0123456789abcdef0123456789abcdef'],
    ['Datto API Key: ABCD1234EFGH5678 / API Secret Key: Zz9Yy8Xx7Ww6Vv5Uu4Tt3', 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3'],
    ['NinjaOne API: client_id=nj-AbCdEf123456, client_secret=Qw3Er5Ty7Ui9Op1As3Df5Gh', 'Qw3Er5Ty7Ui9Op1As3Df5Gh'],
    ['ConnectWise Manage API keys — Public: AbC123dEf456GhI7, Private: ZyX987wVu654TsR3', 'ZyX987wVu654TsR3'],
    ['BitLocker key for LT-044: 401203-128975-552431-009416-660077-203544-717530-111188', '401203-128975-552431-009416-660077-203544-717530-111188'],
    ['MFA backup codes:\n1. 84726193\n2. 20938475\n3. 56473829', '84726193'],
    ['Google backup codes 4839 2017  5520 1983', '4839 2017'],
    ['The code from the text message was 739201', '739201'],
    ['DUO passcode: 123987', '123987'],
    ['"password": "p4ssw0rd!"', 'p4ssw0rd!'],
    ['db:\n  user: app\n  password: yamlPass2026', 'yamlPass2026'],
    ['[smtp]\npassword = iniPass#2026', 'iniPass#2026'],
    ['SMTP_PASSWORD=envPass2026', 'envPass2026'],
    ['<Password>XmlPass2026!</Password>', 'XmlPass2026!'],
    ['<add name="Db" connectionString="Data Source=.;User ID=sa;Password=Cn$tr2026;" />', 'Cn$tr2026'],
    ['p\u0430ssword: Hom0glyph!', 'Hom0glyph!'],
    ['pass\u200bword = ZeroW1dth!', 'ZeroW1dth!'],
    ['\uff30\uff41\uff53\uff53\uff57\uff4f\uff52\uff44 = FullW1dth!', 'FullW1dth!'],
    ['Mot de passe temporaire : Bonjour2026!', 'Bonjour2026!'],
    ['Das neue Kennwort lautet Herbst2026!', 'Herbst2026!'],
    ['Senha do Wi-Fi: Cafe2026!', 'Cafe2026!'],
    ['Wachtwoord is Tulp2026!', 'Tulp2026!'],
    ['contraseña nueva: Lluvia2026#', 'Lluvia2026#'],
    ['PIN is 9021', '9021'],
    ['Door code 4471#', '4471'],
    ['Office product key: NKJFK-GPHP7-G8C3J-P6JXR-HQRJR', 'NKJFK-GPHP7-G8C3J-P6JXR-HQRJR'],
    ['Spoke to Maria. Gave her the temp password over the phone: Spring2026!Dental', 'Spring2026!Dental'],
    ['Password has been set to Pr1nter#Room', 'Pr1nter#Room'],
    ['reset pw -> Kitten!99', 'Kitten!99'],
    ['New credentials for the vendor portal\nUser: acme_admin\nPass: V3nd0r!Portal', 'V3nd0r!Portal'],
    ['login info: admin / Adm1n@Fab', 'Adm1n@Fab'],
    ['the login is jdoe and the password is Bl00m!ng', 'Bl00m!ng'],
    ['Her voicemail PIN: 55210', '55210'],
    ['net user administrator "Str0ng Pass!" /active:yes', 'Str0ng Pass!'],
    ['net user /add kiosk K10sk2026!', 'K10sk2026!'],
    ['sshpass -pR00tPw ssh root@nas', 'R00tPw'],
    ['Connect-VIServer vcsa01 -User administrator@vsphere.local -Password "VMw@re2026!"', 'VMw@re2026!'],
    ['$cred = New-Object System.Management.Automation.PSCredential ("admin", (ConvertTo-SecureString "Cr3d!2026" -AsPlainText -Force))', 'Cr3d!2026'],
    ['curl -u "api:S3cretApi!" https://host/api', 'S3cretApi!'],
    ['smbclient \\\\\\\\fs01\\\\share -U "CORP\\\\jdoe%Sm8Pass!"', 'Sm8Pass!'],
    ['Guest Wi-Fi: SSID "Fab-Guest", key "sunny-day-42"', 'sunny-day-42'],
    ['WLAN key for the warehouse is W@rehouse2026', 'W@rehouse2026'],
    ['L2TP/IPsec VPN, PSK: Vpn!Psk#2026', 'Vpn!Psk#2026'],
    ['AZURE_CLIENT_SECRET: "Zq8~X2pLm9.Rt5Nw3Hk8Jd4Fs6Bv1Qa7Yz0Cx"', 'Zq8~X2pLm9.Rt5Nw3Hk8Jd4Fs6Bv1Qa7Yz0Cx'],
    ['secret access key: 9drTJvcXLB89EXAMPLEKEYrZ9Sxk3F/dHX1WXBD8ZP', '9drTJvcXLB89EXAMPLEKEYrZ9Sxk3F/dHX1WXBD8ZP'],
    ['http://ftpuser:Ftp!2026@ftp.fab.local/', 'Ftp!2026'],
    ['https://rmm.example.com/agent.msi?token=8f7e6d5c4b3a2910', '8f7e6d5c4b3a2910'],
    ['Kaseya: client id 1234567, secret AbCdEf0123456789GhIjKl', 'AbCdEf0123456789GhIjKl'],
    ['Recovery key: 123456-123456-123456-123456-123456-123456-123456-123456', '123456-123456-123456-123456-123456-123456-123456-123456'],
    ['recovery codes: 3f9a-2b7c, 8d1e-4f6a, 0c5b-9e2d', '3f9a-2b7c'],
    ['Your Microsoft verification code is 4827', '4827'],
    ['{"auth": "Zk9mQ2xT8vW4pL6n"}', 'Zk9mQ2xT8vW4pL6n'],
    ['token = "ghx_notreal_but_random_Zk9mQ2xT8vW4"', 'ghx_notreal_but_random_Zk9mQ2xT8vW4'],
    ['clientSecret: Yt6Hn3Kj9Lp2Qw5Er8', 'Yt6Hn3Kj9Lp2Qw5Er8'],
    ['<secret>AbCd1234EfGh5678</secret>', 'AbCd1234EfGh5678'],
    ['export API_KEY="key_live_9f8e7d6c5b4a3"', 'key_live_9f8e7d6c5b4a3'],
    ['pass\u2060word: Wj01ner!', 'Wj01ner!'],
    ['Раssword: Cyr1llic!', 'Cyr1llic!'],
    ['PASSWORD: UPPER2026!', 'UPPER2026!'],
  ['auth string: fabrikam+AbC123dEf456GhI7:ZyX987wVu654TsR3', 'ZyX987wVu654TsR3'],
  ['Temp pass for new hire: Welcome!2026', 'Welcome!2026'],
  ['passwd Xy9#kLm2', 'Xy9#kLm2'],
  ['The admin password is still the default: admin123', 'admin123'],
  ['Pwd: Tr33House', 'Tr33House'],
  ['password for wifi "HomeNet" is H0meNet!', 'H0meNet!'],
  ['Her new PIN: 2580', '2580'],
  ['Please use code 913456 to sign in', '913456'],
  ['Here are your backup codes: 1234-5678, 2345-6789, 3456-7890', '1234-5678'],
  ['api_secret=Ab12Cd34Ef56Gh78', 'Ab12Cd34Ef56Gh78'],
  ['set the PSK to Fire!Wall2026', 'Fire!Wall2026'],
  ['wireless password: 8charsOK', '8charsOK'],
  ['Router admin: admin / R0uter#1', 'R0uter#1'],
  ['Encryption key: 7f3a9c2e1b8d4f6a', '7f3a9c2e1b8d4f6a'],
  ['Access key: 9Xk2Lm8Qp4Rt7Wz1', '9Xk2Lm8Qp4Rt7Wz1'],
];
const HAND_LOOKALIKES: string[] = [
    'The password is expired',
    'the password is somewhere in keeper',
    'The password is stored in the vault.',
    'password is longer than 8 characters',
    'Password is incorrect.',
    'The wifi password is unknown.',
    'the password is printed on the label',
    'The password is mandatory.',
    'Password reset for jdoe completed',
    'password expired yesterday',
    'reset the password for jdoe',
    'User reports password expired',
    'KB5034441 failed to install',
    'IP 10.0.0.15 port 443',
    'Error 0x80070005 access denied',
    'Event ID 4625 failed logon',
    'Call 555-123-4567',
    'Version 2.4.1 installed',
    'GUID {3F2504E0-4F89-11D3-9A0C-0305E82C3301}',
    'MAC 00:1A:2B:3C:4D:5E',
    'Build 19045.3803',
    'SHA-256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'C:\\Windows\\System32\\drivers\\etc\\hosts',
    'Ticket #123456 opened 2026-01-05',
    'The user changed their password',
    'Password must be changed every 90 days',
    'Password: see the password manager',
    'password: (in the vault)',
    'Password: <redacted>',
    'password: ********',
    'port 3389 open',
    'PIN reset requested by the user',
    'pin the ticket to the top',
    'Login: failed for jdoe at 10:42',
    'token: expired',
    'api key: not set',
    'secret: none',
    'The key is in the drawer',
    'Key ID: 1A2B3C4D',
    'client_id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    'Reset password for jdoe via ADUC, user confirmed sign-in',
    'Password change at next logon checked',
    'The password for jdoe was reset',
    'Uptime 14 days, 3 hours',
    'Model Latitude 5440, serial 8H2K9L3',
    'Password expires in 3 days',
    'pw reset link sent',
    'passed the ticket to tier 2',
    'Password was changed to meet policy',
    'login page loads slowly',
    'Backup job 4821 completed',
    'Office 365 product key already activated',
    'WPA2 enterprise with RADIUS',
    'psk mismatch in the log',
    'net user jdoe /active:yes',
    'curl -v https://example.com',
    'ssh -p 2222 admin@host',
    'phone: +1 555 010 9999',
    'Ext 4821',
    'Order 4111-1111-1111-1112',
    '2026-03-14 14:22:01 user logged in',
    'hash (MD5): 5d41402abc4b2a76b9719d911017c592',
    'Reset password via SSPR, user confirmed',
    'Password complexity requirements not met',
    'password reset for jdoe done, told him by phone',
    'The password field is greyed out',
    'Changed password expiration policy to 365 days',
    'User says the password is wrong',
    'Secret Server outage at 10:00',
    'Token bucket exceeded, rate limited',
    'Keyboard key stuck',
    'API keys page returns 500',
    'PIN pad on the door is broken',
    'PIN expired, user set a new one in Windows Hello',
    'Client ID and secret are in IT Glue',
    'curl -s https://status.example.com | jq .',
    'net use \\\\fs01\\share /user:CORP\\jdoe',
    'psexec \\\\ws-22 ipconfig /all',
    'mysql -u root -p',
    'sqlcmd -S NW-SQL01 -E -Q "select @@version"',
    'docker run -p 443:443 -p 80:80 app',
    'ssh -p 2222 root@10.1.1.1',
    'Build 10.0.19045.4291, KB5036892',
    'Serial: C02XK0ABJG5H',
    'SHA1 thumbprint: 3B1EFD3A66EA28B16697394703A72CA340A05BD5',
    'MD5: d41d8cd98f00b204e9800998ecf8427e',
    'Object ID 7c9e6679-7425-40de-944b-e07fc1f90ae7',
    'VLAN 20, port Gi1/0/24',
    'BSSID 00:11:22:33:44:55 channel 36',
    'Call 0800 123 4567 for Dell support',
    'Event 4624 logon type 10 from 10.2.3.4',
    'error 0x8007000d during update',
    '09/14/2026 9:41 AM',
    'Password last changed 2026-11-02 08:15',
    'Connected to SSID CorpWifi',
    'Wi-Fi password changed, all devices reconnected',
    'Key: see attached screenshot',
    'token=',
    'secret=${SECRET}',
    'password: $env:ADMIN_PW',
    'Password=<your password here>',
    '"password": ""',
    'password: ********',
    'API key: <REDACTED>',
    'apikey: YOUR_API_KEY_HERE',
    'client_secret: {{ vault.client_secret }}',
    'Recovery key ID: 1A2B3C4D-5E6F-7A8B-9C0D-1E2F3A4B5C6D',
    'Verification code not received',
    'OTP sent to +1 555 0100',
    'Ticket 123456 merged with 123457',
    'Version 4.18.2405.5-0',
    'C:\\ProgramData\\Veeam\\Backup\\Svc.VeeamBackup.log',
    '/etc/ssh/sshd_config line 42',
    'Password policy updated: minimum 14 characters',
    'Reset the password for jdoe and unlocked the account',
    'Told the user to reset their password via the portal',
    'password reset email bounced',
    'Cleared saved passwords in Edge',
    'Passwords are synced with Entra Connect',
    'Password hash sync enabled',
    'Installed update KB5034441',
    'Outlook 16.0.17531.20152',
    'MAC 3C-52-82-1A-2B-3C',
    'IP 172.16.5.20/24',
    'port 8443 open on firewall',
    'Event ID 1001 BugCheck',
    'Error code: 0xC004F074',
    'Call Maria at (555) 201-3344',
    'Date: 15/11/2026',
    'Due 2026-12-01',
    'Ticket #7781223 reopened',
    'Serial 5CG1234XYZ',
    'Asset tag FAB-LT-0442',
    'File hash SHA256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'GUID: {21EC2020-3AEA-1069-A2DD-08002B30309D}',
    'C:\\Users\\jdoe\\Desktop\\passwords.xlsx was deleted',
    'The token is stored in the TPM',
    'net user jdoe',
    'net user jdoe /domain | find "Password"',
    'runas /user:Administrator cmd',
    'psexec -s -i cmd',
    'Wi-Fi key is on the sticker under the router',
    'SSID FabStaff, WPA3 Enterprise',
    'BitLocker recovery key saved to AD',
    'MFA prompts not arriving',
    'Code 43 on the USB device',
    'HTTP 401 from the API',
    'client_id: 8d3f1e2a-1b2c-4d5e-9f8a-7b6c5d4e3f2a',
    'tenant_id = 72f988bf-86f1-41af-91ab-2d7cd011db47',
    'apikey header missing',
    '"token_type": "Bearer"',
    'expires_in: 3599',
    'auth: ntlm',
    'secret: false',
    'password_expires: never',
    'KB4023057 failed with 0x80070643',
    'Printer IP 10.10.20.15, port 9100',
    'Build 22H2 (OS build 19045.4412)',
    'Phone extension 4821',
    'Room 4821 projector',
  'Password reset link expired',
  'New password policy rollout',
  'Passwords do not match error',
  'forgot password page 404',
  'The API key works now',
  'Key vault access policy updated',
  'Tokens revoked for all users',
  'Shared secret rotated by vendor',
  'PIN required on the printer for secure print',
  'code review done',
  'The code is in the repo',
  'Exit code 1603 during install',
  'Status code 503',
  'Zip code 34236',
  'Area code 941',
  'Auth code flow configured in Entra',
  'Admin / user roles reviewed',
  'Login / logout loop in Teams',
  'credentials manager cleared',
  'Wi-Fi / LAN both down',
  'SSID / VLAN mapping updated',
  'net use * /delete /y',
  'Ran gpupdate /force / rebooted',
  'C:/Program Files/App/config.ini',
  'Access key ID: AKIA is not used here',
];

describe('hand-written spellings outside the generator', () => {
  it('finds every secret and leaves every look-alike alone', () => {
    const missed = HAND_POSITIVES.filter(([text, secret]) => !fullyHidden(text, secret)).map(([text]) => `${JSON.stringify(text)} → ${JSON.stringify(redact(text).text)}`);
    const touched = HAND_LOOKALIKES.filter((text) => redact(text).text !== text).map((text) => `${JSON.stringify(text)} → ${JSON.stringify(redact(text).text)}`);
    expect(missed).toEqual([]);
    expect(touched).toEqual([]);
  });
});

describe('no part of a secret is left beside its marker', () => {
  // Values that start like a keyword ("Passw0rd99", "pass-Word-9x") or hold hyphens and dots
  // ("Granite-Tiger-47@") once left "Pass" or "Granite" in clear before "[redacted …]".
  const values = ['Granite-Tiger-47@', 'Blue.Sky.22!', 'Passw0rd99', 'Password123!', 'pass-Word-9x', 'Pw-Kj8mmQ2z'];
  const contexts = [
    'password: V', 'password V', 'pw - V', 'new pass V', 'the password for the admin account is V', 'creds are jdoe / V',
    'login jdoe V', 'user: jdoe pass: V', 'Temporary password given to Maria by phone: V', 'net user bob V /add',
    'psexec -u admin -p V', 'mysql -pV', '--password=V', '-Password V', 'sshpass -p V ssh x', 'curl -u bob:V http://x',
    'PGPASSWORD=V psql', 'smbclient -U bob%V', 'WPA key: V', 'PSK - V', 'Wi-Fi password is V', 'Passwort: V', 'senha V',
    'client_secret: V', 'api_key=V',
  ];
  it('covers every character of the value in every context', () => {
    const leaks = contexts.flatMap((c) => values.map((v) => c.replace('V', v))).filter((t, i) => !fullyHidden(t, values[i % values.length]!));
    expect(leaks.map((t) => `${JSON.stringify(t)} → ${JSON.stringify(redact(t).text)}`)).toEqual([]);
  });
});
