// The redaction corpus, GENERATED: secrets in the ways MSP engineers type them (positives, by
// category) and ordinary ticket text that looks like them (look-alikes). Every value is produced
// from its format by a seeded PRNG (mulberry32), so each run builds the same corpus; nothing here is
// a real credential. Each category has several spellings, and every sample is placed in one of
// several contexts (a sentence, a pasted e-mail, a multi-line ticket log, a chat paste, a JSON or
// YAML block where it fits).
//
//   npx tsx api/services/redaction/corpus.ts   prints the corpus (counts per category).
import { seededRandom } from '../../lib/seeded-random.js';

export interface PositiveSample {
  category: string;
  text: string;
  /** Every one of these must be gone from the redacted text. */
  secrets: string[];
}

export interface LookAlike {
  category: string;
  text: string;
}


class Gen {
  constructor(private readonly rnd: () => number) {}
  int(lo: number, hi: number) {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }
  chars(alphabet: string, n: number) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.rnd() * alphabet.length)];
    return s;
  }
  /** Random characters that contain at least one upper, lower and digit (so they are never a word). */
  mixed(n: number, extra = '') {
    for (;;) {
      const s = this.chars(ALNUM + extra, n);
      if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s)) return s;
    }
  }
  hex(n: number) {
    for (;;) {
      const s = this.chars('0123456789abcdef', n);
      if (/[a-f]/.test(s) && /\d/.test(s)) return s;
    }
  }
  digits(n: number) {
    return this.chars('0123456789', n);
  }
  /** A password as people choose them: Word+digits+symbol, two words, leetspeak, or random. */
  password() {
    const w1 = this.pick(WORDS);
    const w2 = this.pick(WORDS);
    const sym = this.pick(['!', '#', '$', '@', '%', '&', '*', '?', '.']);
    const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
    switch (this.int(0, 6)) {
      case 0:
        return `${cap(w1)}${this.int(2019, 2027)}${sym}`;
      case 1:
        return `${cap(w1)}${sym}${cap(w2)}${this.int(1, 99)}`;
      case 2:
        return `${cap(w1)}${this.int(2024, 2027)}${sym}${cap(w2)}`;
      case 3:
        return cap(w1).replace(/a/g, '@').replace(/o/g, '0').replace(/e/g, '3') + this.int(10, 999) + sym;
      case 4:
        return this.mixed(this.int(10, 16), '!#$%');
      case 5:
        return `${cap(w1)}-${cap(w2)}-${this.int(10, 99)}${sym}`;
      default:
        return `${w1}${this.int(100, 9999)}${cap(w2)}`;
    }
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';
const WORDS = ['spring', 'winter', 'summer', 'autumn', 'dental', 'harbor', 'falcon', 'maple', 'copper', 'river', 'orchid', 'tiger', 'lemon', 'cobalt', 'violet', 'granite', 'pepper', 'sunset', 'meadow', 'rocket', 'willow', 'canyon', 'marble', 'thunder'];
const USERS = ['jdoe', 'msmith', 'dana.ortiz', 'svc-backup', 'administrator', 'helpdesk', 'kpatel', 'scanner', 'FAB\\dana', 'lwong', 'admin', 'qbadmin'];
const NAMES = ['Maria', 'Dana', 'Kevin', 'Priya', 'Tom', 'Luis', 'Aiko', 'Sam'];
const HOSTS = ['NW-DC01', 'FAB-FS01', 'NW-SQL01', 'MED-RDS02', 'fab-fw01', 'ACC-NAS'];
const j = (...parts: string[]) => parts.join('');

// ---- contexts: the same secret inside different kinds of ticket text ----------------------------

type Context = (g: Gen, s: string) => string;
const CONTEXTS: Context[] = [
  (_g, s) => s,
  (g, s) => `${g.pick(['Called the user back.', 'Spoke with the office manager.', 'Remote session via ScreenConnect.'])} ${s} ${g.pick(['Closing after confirmation.', 'User confirmed it works.', 'Will follow up tomorrow.'])}`,
  (g, s) => `Hi team,\n\n${s}\n\nThanks,\n${g.pick(NAMES)}\n${g.pick(['Front desk', 'Practice manager', 'IT contact'])}`,
  (g, s) => `[${g.int(8, 17)}:${String(g.int(0, 59)).padStart(2, '0')}] ${g.pick(NAMES)}: ${s}`,
  (g, s) => `Ticket #${g.int(100000, 999999)} - work log\n- checked event log on ${g.pick(HOSTS)}\n- ${s}\n- rebooted and verified`,
  (_g, s) => `> ${s}\n(pasted from the customer's e-mail)`,
];
const inContext = (g: Gen, s: string) => g.pick(CONTEXTS)(g, s);

// ---- categories -------------------------------------------------------------------------------

type Maker = (g: Gen) => { text: string; secrets: string[]; raw?: boolean };

const CATEGORIES: Record<string, Maker> = {
  'password in prose': (g) => {
    const p = g.password();
    const u = g.pick(USERS);
    const t = g.pick([
      `the password for the admin account is ${p}`,
      `Temporary password given to ${g.pick(NAMES)} by phone: ${p}`,
      `Reset ${u}'s password, it is now ${p}`,
      `Set the password to ${p} and ticked "change at next logon"`,
      `The new password for ${u} is ${p}.`,
      `local admin password was changed to ${p}`,
      `Password on ${g.pick(HOSTS)} set to ${p}, rebooted`,
      `temp password is ${p} - user must change it`,
      `her password was reset to ${p}`,
      `The password will be ${p} until she changes it`,
    ]);
    return { text: t, secrets: [p] };
  },
  'password label': (g) => {
    const p = g.password();
    const u = g.pick(USERS);
    const t = g.pick([
      `Password: ${p}`,
      `password = ${p}`,
      `Username: ${u}\nPassword: ${p}`,
      `pw for ${u}: ${p}`,
      `PWD - ${p}`,
      `Password:\n${p}`,
      `pass: ${p}`,
      `Passcode: ${p}`,
      `pwd -> ${p}`,
      `User ${u} / Password ${p}`,
    ]);
    return { text: t, secrets: [p] };
  },
  'password other language': (g) => {
    const p = g.password();
    const t = g.pick([
      `La contraseña es ${p}`,
      `contraseña: ${p}`,
      `Das Passwort ist ${p}`,
      `Passwort: ${p}`,
      `Kennwort lautet ${p}`,
      `Le mot de passe est ${p}`,
      `mot de passe : ${p}`,
      `A senha é ${p}`,
      `senha: ${p}`,
      `Het wachtwoord is ${p}`,
      `wachtwoord: ${p}`,
    ]);
    return { text: t, secrets: [p] };
  },
  'password without separator': (g) => {
    const p = g.password().replace(/^[a-z]+\d+[A-Z][a-z]+$/, (x) => x + '!');
    const t = g.pick([`new pass ${p}`, `temp pw ${p} for now`, `gave the user password ${p} over the phone`, `initial password ${p}`, `Passwort ${p}`, `default password ${p} still set on the NAS`]);
    return { text: t, secrets: [p] };
  },
  'username and password together': (g) => {
    const p = g.password();
    const u = g.pick(USERS.filter((x) => !x.includes('\\')));
    const t = g.pick([`creds are ${u} / ${p}`, `creds: ${u} / ${p}`, `login ${u} ${p}`, `Credentials: ${u}:${p}`, `login: ${u} / ${p}`, `u/p ${u} / ${p}`, `account ${u} pw ${p}`, `sign-in: ${u} | ${p}`]);
    return { text: t, secrets: [p] };
  },
  'PIN': (g) => {
    const pin = g.digits(g.int(4, 8));
    const t = g.pick([`PIN ${pin}`, `PIN: ${pin}`, `her PIN is ${pin}`, `voicemail PIN ${pin}`, `alarm code ${pin}`, `door code is ${pin}`, `PIN code for the copier: ${pin}`, `new pin ${pin} set on the phone`]);
    return { text: t, secrets: [pin] };
  },
  'net user': (g) => {
    const p = g.password();
    const u = g.pick(['jdoe', 'helpdesk', 'Administrator', 'scanner', '"svc backup"']);
    const t = g.pick([`net user ${u} ${p} /domain`, `net user ${u} ${p}`, `ran: net user ${u} ${p} /add`, `net user /domain ${u} ${p}`.replace(' /domain', '')]);
    return { text: t, secrets: [p] };
  },
  'runas and psexec': (g) => {
    const p = g.password();
    const host = g.pick(HOSTS);
    const t = g.pick([
      `psexec \\\\${host} -u FAB\\admin -p ${p} cmd`,
      `PsExec64.exe \\\\${host} -u administrator -p "${p}" -s powershell`,
      `paexec \\\\${host} -u admin -p ${p} ipconfig`,
      `runas /user:FAB\\admin cmd, then psexec -u admin -p ${p} \\\\${host} gpupdate`,
      `winexe -U admin%${p} //${host} cmd`,
    ]);
    return { text: t, secrets: [p] };
  },
  'database and ssh commands': (g) => {
    const p = g.password().replace(/[!$&*?]/g, '#');
    const t = g.pick([
      `sshpass -p '${p}' ssh admin@10.0.${g.int(0, 9)}.${g.int(2, 250)}`,
      `sshpass -p ${p} scp backup.tar root@nas:/volume1`,
      `mysql -u root -p${p} -h db01`,
      `mysqldump -uroot -p${p} crm > crm.sql`,
      `sqlcmd -S NW-SQL01 -U sa -P ${p} -Q "select 1"`,
      `plink -ssh admin@fab-fw01 -pw ${p}`,
      `xfreerdp /v:${g.pick(HOSTS)} /u:admin /p:${p}`,
      `PGPASSWORD=${p} psql -h db -U app`,
      `export MYSQL_PWD=${p}`,
    ]);
    return { text: t, secrets: [p] };
  },
  'password flags': (g) => {
    const p = g.password();
    const t = g.pick([
      `veeamconfig --password=${p}`,
      `./install.sh --password ${p} --silent`,
      `Set-LocalUser -Name helpdesk -Password ${p}`,
      `agent.exe /quiet /pass:${p}`,
      `cmdkey /add:${g.pick(HOSTS)} /user:admin /pass:${p}`,
      `wmic /node:${g.pick(HOSTS)} /user:admin /password:${p} os get caption`,
      `rclone config create nas sftp --sftp-pass ${p}`,
      `schtasks /create /tn Backup /ru admin /rp ${p} /tr backup.cmd`,
      `snmpwalk -v3 -u monitor -A ${p} fab-fw01`.replace('-A', '--auth-password'),
    ]);
    return { text: t, secrets: [p] };
  },
  'PowerShell secure strings': (g) => {
    const p = g.password();
    const t = g.pick([
      `$pw = ConvertTo-SecureString "${p}" -AsPlainText -Force`,
      `New-LocalUser -Name helpdesk -Password (ConvertTo-SecureString '${p}' -AsPlainText -Force)`,
      `Set-ADAccountPassword -Identity jdoe -Reset -NewPassword (ConvertTo-SecureString -AsPlainText "${p}" -Force)`,
      `ConvertTo-SecureString -String ${p} -AsPlainText -Force`,
      `New-ADUser -Name kpatel -AccountPassword (ConvertTo-SecureString "${p}" -AsPlainText -Force)`,
    ]);
    return { text: t, secrets: [p] };
  },
  'curl, smbclient, chpasswd': (g) => {
    const p = g.password().replace(/[!$&*?@%]/g, '#');
    const u = g.pick(['admin', 'api', 'backup', 'jdoe']);
    const t = g.pick([
      `curl -u ${u}:${p} https://fab-nas.local/api/status`,
      `curl --user ${u}:${p} -X POST https://10.1.1.5/cgi-bin/reboot`,
      `smbclient //fab-fs01/scans -U ${u}%${p}`,
      `smbclient -L //10.0.0.9 -U "${u}%${p}"`,
      `echo "${u}:${p}" | chpasswd`,
      `wget --password=${p} --user=${u} ftp://ftp.example.net/file`,
    ]);
    return { text: t, secrets: [p] };
  },
  'Wi-Fi keys': (g) => {
    const k = g.pick([g.password(), g.mixed(g.int(12, 20)), `${g.pick(WORDS)}${g.pick(WORDS)}${g.int(10, 99)}`]);
    const ssid = g.pick(['FabGuest', 'Dental-Staff', 'ACC-Office', 'Smith_5G']);
    const t = g.pick([
      `Wi-Fi key: ${k}`,
      `wifi password is ${k}`,
      `SSID ${ssid} password ${k}`,
      `SSID: ${ssid}\nWPA2 key: ${k}`,
      `WPA2-PSK ${k} on the new AP`,
      `guest wifi key is ${k}`,
      `network key ${k} (${ssid})`,
      `<keyMaterial>${k}</keyMaterial>`,
      `Key Content            : ${k}`,
      `WPA passphrase = ${k}`,
    ]);
    return { text: t, secrets: [k] };
  },
  'VPN pre-shared keys': (g) => {
    const k = g.pick([g.mixed(g.int(16, 32)), g.mixed(20, '!#%'), g.password()]);
    const t = g.pick([
      `IPsec PSK: ${k}`,
      `pre-shared key is ${k}`,
      `L2TP secret: ${k}`,
      `set vpn ipsec site-to-site peer 203.0.113.7 authentication pre-shared-secret ${k}`,
      `Preshared Key = ${k}`,
      `VPN PSK ${k} for the Meraki`,
      `RADIUS secret: ${k}`,
      `crypto isakmp key ${k} address 198.51.100.4`,
    ]);
    return { text: t, secrets: [k] };
  },
  'Azure AD client secret': (g) => {
    const s = j(g.chars(ALNUM, 3), String(g.int(0, 9)), 'Q~', g.chars(ALNUM + '_~.-', 34).replace(/-$/, 'x'));
    const old = g.chars(B64, 32) + g.pick(['=', '.', '~']) + g.mixed(8);
    const t = g.pick([
      `client secret: ${s}`,
      `Azure app registration secret ${s} expires in 24 months`,
      `"clientSecret": "${s}"`,
      `AZURE_CLIENT_SECRET=${s}`,
      `tenant 3f2504e0-4f89-11d3-9a0c-0305e82c3301, app secret ${old}`,
      `The client secret is ${old}`,
    ]);
    return { text: t, secrets: [t.includes(s) ? s : old] };
  },
  'AWS keys': (g) => {
    const id = j('AKIA', g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16));
    const secret = g.mixed(40, '/+').slice(0, 40);
    const t = g.pick([
      `aws_access_key_id = ${id}\naws_secret_access_key = ${secret}`,
      `Access key ID,Secret access key\n${id},${secret}`,
      `AWS key ${id} / ${secret}`,
      `AWS_SECRET_ACCESS_KEY=${secret}`,
      `IAM user backup-s3: access key ${id}, secret ${secret}`,
    ]);
    return { text: t, secrets: t.includes(id) ? [id, secret] : [secret] };
  },
  'Azure connection strings': (g) => {
    const key = g.chars(B64, 86) + '==';
    const sak = g.chars(B64, 43) + '=';
    const t = g.pick([
      `DefaultEndpointsProtocol=https;AccountName=fabstore;AccountKey=${key};EndpointSuffix=core.windows.net`,
      `Endpoint=sb://fab-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${sak}`,
      `Endpoint=sb://fab-events.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${sak};EntityPath=telemetry`,
      `HostName=fab-iot.azure-devices.net;DeviceId=gw01;SharedAccessKey=${sak}`,
    ]);
    return { text: t, secrets: [t.includes(key) ? key : sak] };
  },
  'SAS tokens': (g) => {
    const sig = g.chars(ALNUM, 40) + '%3D';
    const t = g.pick([
      `https://fabstore.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&sig=${sig}`,
      `SAS: ?sv=2021-08-06&st=2026-01-01&sp=racwdl&sig=${sig}`,
      `BlobEndpoint=https://fab.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&sp=r&sig=${sig}`,
    ]);
    return { text: t, secrets: [sig] };
  },
  'database connection strings': (g) => {
    const p = g.password().replace(/[;@/:]/g, '#');
    const t = g.pick([
      `Server=${g.pick(HOSTS)};Database=QBData;User Id=qbadmin;Password=${p};`,
      `Driver={ODBC Driver 18};Server=tcp:db.example.net;Uid=app;Pwd=${p};Encrypt=yes`,
      `jdbc:sqlserver://db01:1433;databaseName=erp;user=sa;password=${p}`,
      `mongodb+srv://reporting:${p}@cluster0.example.net/prod`,
      `postgres://flow:${p}@10.0.0.5:5432/app`,
      `"ConnectionStrings": { "Default": "Server=.;Database=crm;User ID=crm;Password=${p}" }`,
    ]);
    return { text: t, secrets: [p] };
  },
  'Teams webhooks': (g) => {
    const url = j('https://', g.pick(['fabrikam', 'contoso-dental']), '.webhook.office.com/webhookb2/', g.hex(8), '-', g.hex(4), '-', g.hex(4), '-', g.hex(4), '-', g.hex(12), '@', g.hex(8), '-0000-4000-8000-', g.hex(12), '/IncomingWebhook/', g.hex(32), '/', g.hex(8), '-1111-4111-8111-', g.hex(12));
    const flow = j('https://prod-', String(g.int(10, 99)), '.westus.logic.azure.com:443/workflows/', g.hex(32), '/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=', g.chars(B64URL, 43));
    const u = g.pick([url, flow]);
    return { text: g.pick([`Teams alert webhook: ${u}`, `Posted to ${u} from the RMM`, `"webhookUrl": "${u}"`]), secrets: [u.split('/').slice(-1)[0]!.split('sig=').slice(-1)[0]!] };
  },
  'Slack webhooks': (g) => {
    const tail = g.mixed(24);
    const u = j('https://hooks.', 'slack.com/services/T', g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8), '/B', g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10), '/', tail);
    return { text: g.pick([`slack webhook ${u}`, `SLACK_WEBHOOK_URL=${u}`, `curl -X POST -d '{"text":"backup failed"}' ${u}`]), secrets: [tail] };
  },
  'Discord webhooks': (g) => {
    const tok = g.chars(B64URL, 68);
    const u = j('https://discord.com/api/webhooks/', g.digits(18), '/', tok);
    return { text: g.pick([`discord alerts go to ${u}`, `webhook: ${u}`, `"url": "${u}"`]), secrets: [tok] };
  },
  'URL credentials and tokens': (g) => {
    const p = g.password().replace(/[@/:?#&%]/g, '!');
    const tok = g.mixed(g.int(24, 40));
    const t = g.pick([
      `https://admin:${p}@fab-nas.local:5001/`,
      `ftp://backup:${p}@ftp.example.net/in`,
      `Portal link: https://portal.example.com/login?token=${tok}`,
      `https://api.example.net/v1/status?user=fab&key=${tok}`,
      `https://rmm.example.com/download?access_token=${tok}&site=12`,
      `smb://scanner:${p}@10.0.0.9/scans`,
    ]);
    return { text: t, secrets: [t.includes(p) ? p : tok] };
  },
  'GitHub tokens': (g) => {
    const t1 = j('gh', g.pick(['p', 'o', 's', 'u']), '_', g.chars(ALNUM, 36));
    const t2 = j('github_pat_', g.chars(ALNUM, 22), '_', g.chars(ALNUM, 59));
    const tok = g.pick([t1, t2]);
    return { text: g.pick([`the runner used ${tok} to clone`, `GITHUB_TOKEN=${tok}`, `git clone https://${tok}@github.com/fab/scripts.git`, `"token": "${tok}"`]), secrets: [tok] };
  },
  'GitLab tokens': (g) => {
    const tok = g.pick([j('glpat-', g.chars(B64URL, 20)), j('gldt-', g.chars(B64URL, 20)), j('glrt-', g.chars(B64URL, 20)), j('glptt-', g.hex(40)), j('GR1348941', g.chars(B64URL, 20))]);
    return { text: g.pick([`gitlab token ${tok}`, `CI_JOB_TOKEN replaced by ${tok}`, `gitlab-runner register --token ${tok}`, `curl --header "PRIVATE-TOKEN: ${tok}" https://gitlab.example.com/api/v4/projects`]), secrets: [tok] };
  },
  'Twilio': (g) => {
    const sid = j('AC', g.hex(32));
    const auth = g.hex(32);
    const keySid = j('SK', g.hex(32));
    const keySecret = g.mixed(32);
    const t = g.pick([
      `Twilio account SID ${sid}, auth token ${auth}`,
      `TWILIO_ACCOUNT_SID=${sid}\nTWILIO_AUTH_TOKEN=${auth}`,
      `Twilio API key ${keySid} secret ${keySecret}`,
      `twilio: sid=${sid} token=${auth}`,
    ]);
    return { text: t, secrets: t.includes(auth) ? [auth] : [keySecret] };
  },
  'Stripe': (g) => {
    const tok = g.pick([j('sk_', 'live_', g.chars(ALNUM, 24)), j('rk_', 'live_', g.chars(ALNUM, 24)), j('whsec_', g.chars(ALNUM, 32)), j('sk_', 'test_', g.chars(ALNUM, 24))]);
    return { text: g.pick([`Stripe key ${tok} in the web.config`, `STRIPE_WEBHOOK_SECRET=${tok}`, `"stripe": { "secret": "${tok}" }`, `billing plugin uses ${tok}`]), secrets: [tok] };
  },
  'SendGrid and Mailgun': (g) => {
    const tok = g.pick([j('SG.', g.chars(B64URL, 22), '.', g.chars(B64URL, 43)), j('key-', g.hex(32)), j(g.hex(32), '-', g.hex(8), '-', g.hex(8))]);
    return { text: g.pick([`SMTP relay API key: ${tok}`, `SENDGRID_API_KEY=${tok}`, `mailgun private key ${tok}`, `scanner sends via ${tok}`]), secrets: [tok] };
  },
  'Atlassian and Okta': (g) => {
    const atl = j('ATATT3', g.chars(B64URL, 180), '=', g.hex(8).toUpperCase());
    const okta = j('00', g.chars(B64URL, 40));
    const t = g.pick([
      `Jira API token: ${atl}`,
      `confluence backup uses ${atl}`,
      `Okta API token ${okta}`,
      `Authorization: SSWS ${okta}`,
      `OKTA_API_TOKEN=${okta}`,
    ]);
    return { text: t, secrets: [t.includes(atl) ? atl : okta] };
  },
  'RMM and PSA API key pairs': (g) => {
    const pub = g.mixed(16);
    const priv = g.mixed(g.int(20, 32));
    const t = g.pick([
      `Datto RMM API key ${pub} and secret ${priv}`,
      `Datto API key: ${pub}\nAPI secret key: ${priv}`,
      `Kaseya VSA API token ${priv}`,
      `NinjaOne client id ${pub}, client secret ${priv}`,
      `ConnectWise API public key ${pub} private key ${priv}`,
      `CW Manage integration: public key=${pub} private key=${priv}`,
    ]);
    return { text: t, secrets: [priv] };
  },
  'JWT and bearer tokens': (g) => {
    const jwt = j('eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9', '.', 'eyJ', g.chars(B64URL, 60), '.', g.chars(B64URL, 43));
    const opaque = g.mixed(40);
    const t = g.pick([`curl -H "Authorization: Bearer ${jwt}" https://graph.microsoft.com/v1.0/me`, `session cookie was ${jwt}`, `Authorization: Bearer ${opaque}`, `id_token=${jwt}`]);
    return { text: t, secrets: [t.includes(jwt) ? jwt : opaque] };
  },
  'private keys': (g) => {
    const body = g.chars(B64, 64);
    const kind = g.pick(['RSA ', 'OPENSSH ', 'EC ', '', 'ENCRYPTED ']);
    const block = [j('-----BEGIN ', kind, 'PRIVATE KEY-----'), body, g.chars(B64, 64), j('-----END ', kind, 'PRIVATE KEY-----')].join('\n');
    const t = g.pick([`Key they emailed us:\n${block}\nplease install`, `pasted half a key: ${block.split('\n').slice(0, 2).join('\n')}`, `"private_key": "${block.replace(/\n/g, '\\n')}"`]);
    return { text: t, secrets: [body] };
  },
  'BitLocker recovery keys': (g) => {
    const key = Array.from({ length: 8 }, () => g.digits(6)).join('-');
    return { text: g.pick([`BitLocker recovery key: ${key}`, `Recovery key ${key} read out to the user`, `Key ID 1A2B3C4D, recovery password ${key}`, `${key}`]), secrets: [key] };
  },
  'Windows product keys': (g) => {
    const key = Array.from({ length: 5 }, () => g.chars('BCDFGHJKMPQRTVWXY2346789', 5)).join('-');
    return { text: g.pick([`Product key: ${key}`, `slmgr /ipk ${key}`, `Office license key ${key} from the invoice`, `Win 11 Pro key ${key}`]), secrets: [key] };
  },
  'MFA backup codes': (g) => {
    const codes = Array.from({ length: g.int(3, 8) }, () => g.pick([g.digits(8), `${g.digits(4)} ${g.digits(4)}`, `${g.chars('abcdefghjkmnpqrstuvwxyz23456789', 5)}-${g.chars('abcdefghjkmnpqrstuvwxyz23456789', 5)}`, g.digits(10)]));
    const sep = g.pick([', ', '\n', ' ', '\n- ']);
    const t = g.pick([`Backup codes: ${codes.join(sep)}`, `MFA recovery codes\n${codes.join('\n')}`, `Gave her two backup codes ${codes.slice(0, 2).join(' and ')}`, `recovery codes are ${codes.join(', ')}`]);
    const secrets = t.includes(' and ') ? codes.slice(0, 2) : codes;
    return { text: t, secrets };
  },
  'one-time codes': (g) => {
    const code = g.digits(6);
    return { text: g.pick([`one-time code ${code}`, `verification code: ${code}`, `OTP ${code}`, `the SMS code was ${code}`, `authenticator code ${code} accepted`, `2FA code is ${code}`]), secrets: [code] };
  },
  'generic assignment (JSON)': (g) => {
    const v = g.pick([g.mixed(32), g.hex(40), g.mixed(24, '-_'), g.chars(B64, 43) + '=']);
    const key = g.pick(['secret', 'client_secret', 'api_key', 'apiKey', 'apikey', 'token', 'auth', 'access_token', 'authToken', 'private_key', 'secretKey']);
    return { text: g.pick([`{"${key}": "${v}", "region": "us-east-1"}`, `config.json:\n{\n  "url": "https://api.example.net",\n  "${key}": "${v}"\n}`, `"${key}":"${v}"`]), secrets: [v] };
  },
  'generic assignment (YAML, INI, .env, XML)': (g) => {
    const v = g.pick([g.mixed(32), g.hex(32), g.mixed(20, '_-')]);
    const key = g.pick(['secret', 'client_secret', 'api_key', 'apikey', 'token', 'auth_token', 'API_KEY', 'SECRET_KEY', 'ApiKey']);
    return {
      text: g.pick([`${key}: ${v}`, `[backup]\n${key} = ${v}`, `${key.toUpperCase()}=${v}`, `<add key="${key}" value="${v}" />`, `<${key}>${v}</${key}>`, `  ${key}: "${v}"`, `$env:${key.toUpperCase()} = "${v}"`]),
      secrets: [v],
    };
  },
  'other provider tokens': (g) => {
    const tok = g.pick([j('npm_', g.chars(ALNUM, 36)), j('AIza', g.chars(B64URL, 35)), j('xox', 'b-', g.digits(11), '-', g.digits(12), '-', g.chars(ALNUM, 24)), j('sk-', 'ant-', 'api03-', g.chars(B64URL, 93)), j('hf_', g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 34)), j('shpat_', g.hex(32)), j('dop_v1_', g.hex(64))]);
    return { text: g.pick([`token in the config: ${tok}`, `found ${tok} in the script`, `${tok}`]), secrets: [tok] };
  },
  'evasion (zero-width, homoglyphs, full-width)': (g) => {
    const p = g.password();
    const zw = '\u200B';
    const t = g.pick([
      `pass${zw}word: ${p}`,
      `p\u0430ssword is ${p}`, // Cyrillic а
      `\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44: ${p}`, // full-width "password"
      `Pass\u200Dword\u00A0=\u00A0${p}`,
      `pаsswоrd for jdoe: ${p}`, // Cyrillic а and о
      `net\u00A0user jdoe ${p}`,
      `contr\u0430seña: ${p}`,
    ]);
    return { text: t, secrets: [p] };
  },
  'card numbers': (g) => {
    const card = g.pick(['4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005', '4012888888881881', '6011111111111117', '5105 1051 0510 5100']);
    return { text: g.pick([`Customer read out card ${card} for the renewal`, `card ${card} exp 12/28`, `CC on file: ${card}`]), secrets: [card] };
  },
};

// ---- look-alikes ------------------------------------------------------------------------------

const LOOKALIKES: Record<string, (g: Gen) => string> = {
  'ticket numbers': (g) => g.pick([`Ticket #${g.int(100000, 999999)}: VPN drops every ${g.int(5, 30)} minutes`, `[${g.int(100000000, 999999999)}] Disk alert: C: below 5% on ${g.pick(HOSTS)}`, `Merged into ticket ${g.int(100000, 999999)}`]),
  'GUIDs': (g) => `${g.pick(['GUID', 'Object ID', 'Tenant ID', 'client_id:', 'Correlation ID'])} ${g.hex(8)}-${g.hex(4)}-4${g.hex(3)}-a${g.hex(3)}-${g.hex(12)} ${g.pick(['in the event', 'from the sign-in log', ''])}`.trim(),
  'MAC addresses': (g) => `MAC address ${Array.from({ length: 6 }, () => g.hex(2)).join(g.pick([':', '-']))} on the ${g.pick(['printer', 'AP', 'phone'])}`,
  'build and version numbers': (g) => g.pick([`Office build 16.0.${g.int(10000, 19999)}.${g.int(20000, 20999)}`, `Windows 11 23H2 build 22631.${g.int(1000, 4999)}`, `agent version ${g.int(1, 12)}.${g.int(0, 9)}.${g.int(0, 999)}`, `firmware v${g.int(1, 9)}.${g.int(0, 20)}.${g.int(0, 9)}-build${g.int(100, 999)}`]),
  'hashes named as hashes': (g) => g.pick([`SHA256 hash: ${g.hex(64)}`, `MD5 checksum ${g.hex(32)} matches the vendor's`, `certificate thumbprint ${g.hex(40).toUpperCase()}`, `file hash (SHA1) ${g.hex(40)}`, `Get-FileHash shows ${g.hex(64).toUpperCase()}`]),
  'file paths': (g) => g.pick([`C:\\Users\\${g.pick(USERS.filter((u) => !u.includes('\\')))}\\AppData\\Local\\Microsoft\\Outlook\\${g.pick(WORDS)}.ost`, `\\\\${g.pick(HOSTS)}\\share\\Scans\\2026`, `/var/log/${g.pick(['syslog', 'auth.log', 'veeam/backup.log'])}`, `%APPDATA%\\Microsoft\\Teams\\logs.txt`]),
  'password words without a value': (g) => g.pick([
    'Password reset completed, user signed in',
    'The password is expired; asked the user to change it at next sign-in',
    `reset the password for ${g.pick(USERS)}`,
    'User forgot password again',
    'Password was reset by the user through SSPR',
    `password expired on ${g.int(2024, 2026)}-0${g.int(1, 9)}-1${g.int(0, 9)}`,
    'Outlook keeps asking for a password after the migration',
    'Checked the password policy: 90 days, 12 characters',
    `Passwords must be at least ${g.int(8, 16)} characters long`,
    `Password last set: ${g.int(2024, 2026)}-0${g.int(1, 9)}-2${g.int(0, 8)}`,
    'Password change required at next logon',
    `Set-ADAccountPassword -Identity ${g.pick(USERS)} -Reset`,
    'Ran Get-ADUser jdoe -Properties LockedOut, PasswordLastSet',
    'Sent the password reset link to the user',
    'pw reset done',
    'Login: jdoe works on the web',
    'The password prompt appears twice',
    'Wi-Fi password was changed last week, users reconnected',
    'Token expired, user signed in again',
    'API key rotation is scheduled for next month',
    'The secret to fixing this is patience',
    'Bearer of bad news: the backup failed again',
    'Used the pin code from the authenticator app',
    'Private key stays on the server; only the certificate was exported',
    'BitLocker recovery key was escrowed to Entra ID',
    'Backup codes regenerated by the user',
    'MFA code was not received, re-registered the phone',
    'Enter the PIN when the printer asks',
  ]),
  'commands without secrets': (g) => g.pick([
    `net user ${g.pick(USERS)} /domain shows the account active`,
    'net use Z: \\\\fab-fs01\\purchasing /persistent:yes',
    `docker run -p ${g.int(8000, 9000)}:80 nginx`,
    'mysql -u root -p (prompts for the password)',
    `netstat -ano -p tcp | findstr ${g.int(1000, 60000)}`,
    `ping -n 4 ${g.pick(HOSTS)}`,
    `Get-ADUser ${g.pick(USERS)} -Properties PasswordExpired`,
    `runas /user:${g.pick(['FAB\\admin', 'admin'])} cmd`,
    `psexec \\\\${g.pick(HOSTS)} -s cmd`,
    `curl -I https://${g.pick(['portal', 'mail', 'vpn'])}.example.com`,
    `New-LocalUser -Name helpdesk -Password $pw`,
    `sshpass -f ~/.pw ssh admin@${g.pick(HOSTS)}`,
    `ssh -p ${g.int(22, 2222)} admin@10.0.0.${g.int(2, 250)}`,
  ]),
  'KB numbers': (g) => `Installed KB${g.int(4000000, 5999999)} and rebooted`,
  'IP addresses and ports': (g) => g.pick([`IP 192.168.${g.int(0, 255)}.${g.int(2, 254)}, gateway 192.168.${g.int(0, 255)}.1, DNS 10.0.0.2`, `RDP on port ${g.int(3389, 3399)} blocked by the firewall`, `listening on 0.0.0.0:${g.int(1024, 65535)}`, `fe80::${g.hex(4)}:${g.hex(4)}:${g.hex(4)}%12`]),
  'dates and times': (g) => `Date 2026-0${g.int(1, 9)}-${g.int(10, 28)} ${g.int(10, 23)}:${g.int(10, 59)}, ticket closed ${g.int(1, 12)}/${g.int(1, 28)}/2026`,
  'error codes and event IDs': (g) => g.pick([`Error 0x${g.hex(8).toUpperCase()} when sending; event ID ${g.int(1000, 9999)} on ${g.pick(HOSTS)}`, `Event ID ${g.pick([4740, 4625, 1000, 7031, 41])} logged at ${g.int(10, 23)}:${g.int(10, 59)}`, `error code 0x80070005 (access denied)`, `STOP code 0x000000${g.hex(2).toUpperCase()}`]),
  'phone numbers': (g) => g.pick([`Call back on 555-0${g.int(100, 199)} or +1 (941) 555-0${g.int(100, 199)}`, `mobile +44 7700 900${g.int(100, 999)}`, `ext. ${g.int(100, 999)}`]),
  'serials and invoices': (g) => g.pick([`Serial number ${g.digits(13)} (does not pass Luhn)`.replace(/\d{13}/, '1234567890123'), 'Invoice 4111 1111 1111 1112 was paid', `Dell service tag ${g.chars('BCDFGHJKLMNPQRSTVWXYZ0123456789', 7)}`, `PO ${g.int(10000, 99999)}`]),
  'configuration without secrets': (g) => g.pick([`token_expiry: ${g.int(300, 7200)}`, `"auth": "oauth2"`, `api_key_header: X-API-Key`, `secret_name: ${g.pick(['backup-creds', 'sql-admin'])}`, `"password_policy": "strict"`, `client_id: ${g.hex(8)}-${g.hex(4)}-4${g.hex(3)}-8${g.hex(3)}-${g.hex(12)}`, 'AuthenticationMethod=ActiveDirectoryIntegrated;Server=NW-SQL01', 'Connection string uses Integrated Security=SSPI; Server=NW-SQL01']),
  'SSIDs and network names': (g) => g.pick([`SSID ${g.pick(['FabGuest', 'Dental-Staff'])} broadcasting on channel ${g.int(1, 11)}`, `Connected to ${g.pick(['FabGuest', 'ACC-Office'])} (WPA2-Enterprise)`, 'VPN tunnel to 203.0.113.7 is up, IKEv2, AES-256']),
};

// ---- the corpus -------------------------------------------------------------------------------

export const SEED = 20261204;

export function generateCorpus(seed = SEED, perCategory = 8, lookalikesPerCategory = 10): { positives: PositiveSample[]; lookalikes: LookAlike[] } {
  const g = new Gen(seededRandom(seed));
  const positives: PositiveSample[] = [];
  for (const [category, make] of Object.entries(CATEGORIES)) {
    for (let i = 0; i < perCategory; i++) {
      const s = make(g);
      positives.push({ category, text: inContext(g, s.text), secrets: s.secrets });
    }
  }
  const lookalikes: LookAlike[] = [];
  const seen = new Set<string>();
  for (const [category, make] of Object.entries(LOOKALIKES)) {
    for (let i = 0, tries = 0; i < lookalikesPerCategory && tries < 200; tries++) {
      const text = inContext(g, make(g));
      if (seen.has(text)) continue;
      seen.add(text);
      lookalikes.push({ category, text });
      i++;
    }
  }
  return { positives, lookalikes };
}

export const CORPUS = generateCorpus();
export const POSITIVES = CORPUS.positives;
export const LOOKALIKES_LIST = CORPUS.lookalikes;
export const CATEGORY_NAMES = Object.keys(CATEGORIES);

if (process.argv[1] && /corpus\.ts$/.test(process.argv[1])) {
  const secrets = POSITIVES.reduce((n, p) => n + p.secrets.length, 0);
  console.log(`${POSITIVES.length} samples, ${secrets} secrets in ${CATEGORY_NAMES.length} categories; ${LOOKALIKES_LIST.length} look-alikes`);
  for (const p of POSITIVES.slice(0, 5)) console.log(JSON.stringify(p));
}
