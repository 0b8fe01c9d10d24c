// The redaction corpus: texts an engineer really types, with the secrets that must disappear (positives)
// and ordinary ticket text that must come through untouched (negatives). Token-shaped samples are
// assembled at run time so that secret scanners do not flag this file.
const j = (...parts: string[]) => parts.join('');
const rep = (s: string, n: number) => s.repeat(n);

export interface PositiveSample {
  text: string;
  /** Every one of these must be gone from the redacted text. */
  secrets: string[];
}

const jwt = j('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ', '.', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c');
const ghp = j('gh', 'p_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8');
const githubPat = j('github', '_pat_', '11ABCDEFG0', rep('aB3', 10));
const slackBot = j('xo', 'xb-', '2244668800-1133557799-', 'AbCdEfGhIjKlMnOpQrStUvWx');
const slackHook = j('https://hooks.', 'slack.com/services/', 'T0A1B2C3D/B4E5F6G7H/', 'AbCdEfGhIjKlMnOpQrStUvWx');
const awsKey = j('AKIA', 'IOSFODNN7EXAMPLE');
const awsSecret = j('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY');
const googleKey = j('AIza', 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY');
const stripe = j('sk_', 'live_', '4eC39HqLyjWDarjtT1zdp7dc');
const anthropicKey = j('sk-', 'ant-', 'api03-', rep('Xy7_', 10));
const pem = [
  j('-----BEGIN ', 'RSA PRIVATE KEY-----'),
  'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB',
  'aFDrBz9vFqU4yQe3S9uL7xZ3yC2s+q9K1v0XcW8QGJq5+Y2Lk8gT0b9hW1x3pQ==',
  j('-----END ', 'RSA PRIVATE KEY-----'),
].join('\n');
const openssh = [j('-----BEGIN ', 'OPENSSH PRIVATE KEY-----'), 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW'].join('\n');

export const POSITIVES: PositiveSample[] = [
  // Passwords in the ways engineers write them.
  { text: 'Reset password for jdoe, temp password is Winter2026! and told her by phone', secrets: ['Winter2026!'] },
  { text: 'password: Hunter2', secrets: ['Hunter2'] },
  { text: 'gave the user password Zebra-Horse-42! over the phone', secrets: ['Zebra-Horse-42'] },
  { text: 'Password = "correct horse battery staple"', secrets: ['correct horse battery staple'] },
  { text: "pw: 'sunflower'", secrets: ['sunflower'] },
  { text: 'new pw Spring#2027 set on the account', secrets: ['Spring#2027'] },
  { text: 'Set his password to P@ssw0rd123 and ticked change at next logon', secrets: ['P@ssw0rd123'] },
  { text: 'The wifi password is Guest-Network-42', secrets: ['Guest-Network-42'] },
  { text: 'pwd=Tr0ub4dor&3', secrets: ['Tr0ub4dor&3'] },
  { text: 'Local admin password was changed to Adm1n!Local.', secrets: ['Adm1n!Local'] },
  { text: 'The password for svc-backup is Qwerty!2345', secrets: ['Qwerty!2345'] },
  { text: 'Kennwort: Sommer2026', secrets: ['Sommer2026'] },
  { text: 'creds: jsmith / Bl4ckC0ffee!', secrets: ['Bl4ckC0ffee!'] },
  { text: 'PIN: 4821-99', secrets: ['4821-99'] },
  { text: 'temporary password "Blue Sky 77" given to Dana', secrets: ['Blue Sky 77'] },
  // Passwords inside commands.
  { text: 'net user jdoe N3wStart!2026 /domain', secrets: ['N3wStart!2026'] },
  { text: '$pw = ConvertTo-SecureString "S3cure!Pass" -AsPlainText -Force', secrets: ['S3cure!Pass'] },
  { text: "New-LocalUser -Name helpdesk -Password 'Temp#4411'", secrets: ['Temp#4411'] },
  { text: 'net use Z: \\\\fab-fs01\\purchasing Fabr1c@t0rs /user:FAB\\dana', secrets: ['Fabr1c@t0rs'] },
  // Keys and tokens.
  { text: `AWS key ${awsKey} found in the script`, secrets: [awsKey] },
  { text: `aws_secret_access_key = ${awsSecret}`, secrets: [awsSecret] },
  { text: `Maps key: ${googleKey}`, secrets: [googleKey] },
  { text: `the runner used ${ghp} to clone`, secrets: [ghp] },
  { text: `token in the config: ${githubPat}`, secrets: [githubPat] },
  { text: `Slack bot ${slackBot} posts the alerts`, secrets: [slackBot] },
  { text: `webhook ${slackHook}`, secrets: [slackHook] },
  { text: `Stripe ${stripe} in the web.config`, secrets: [stripe] },
  { text: `ANTHROPIC_API_KEY=${anthropicKey}`, secrets: [anthropicKey] },
  { text: `curl -H "Authorization: Bearer ${jwt}" https://api.example.com`, secrets: [jwt] },
  { text: `session cookie was ${jwt}`, secrets: [jwt] },
  { text: 'Authorization: Basic YWRtaW46U3VwZXJTZWNyZXQxMjM=', secrets: ['YWRtaW46U3VwZXJTZWNyZXQxMjM='] },
  { text: 'client_secret: 8Q~xY2.abcDEFghiJKLmnoPQRstuVWXyz0123456', secrets: ['8Q~xY2.abcDEFghiJKLmnoPQRstuVWXyz0123456'] },
  { text: 'api_key="d41d8cd98f00b204e9800998ecf8427e"', secrets: ['d41d8cd98f00b204e9800998ecf8427e'] },
  { text: 'X-API-Key: 7f3c9a0b12e44d6f8a9b0c1d2e3f4a5b', secrets: ['7f3c9a0b12e44d6f8a9b0c1d2e3f4a5b'] },
  // Private keys.
  { text: `Key they emailed us:\n${pem}\nplease install`, secrets: ['MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn', 'aFDrBz9vFqU4yQe3S9uL7xZ3yC2s'] },
  { text: `pasted half a key: ${openssh}`, secrets: ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ'] },
  // Connection strings.
  { text: 'Server=NW-SQL01;Database=QBData;User Id=qbadmin;Password=Qb$2026secure;', secrets: ['Qb$2026secure'] },
  { text: 'Driver={ODBC Driver 18};Server=tcp:db.example.net;Uid=app;Pwd=Z9x8c7v6b5;Encrypt=yes', secrets: ['Z9x8c7v6b5'] },
  { text: 'mongodb+srv://reporting:Mng0Pass!x@cluster0.example.mongodb.net/prod', secrets: ['Mng0Pass!x'] },
  { text: 'postgres://flow:pgS3cret@10.0.0.5:5432/app', secrets: ['pgS3cret'] },
  {
    text: 'DefaultEndpointsProtocol=https;AccountName=fabstore;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net',
    secrets: ['Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='],
  },
  { text: 'https://fab.blob.core.windows.net/x?sv=2022-11-02&sig=AbC123dEf456GhI789jKl0%3D&se=2026', secrets: ['AbC123dEf456GhI789jKl0%3D'] },
  // Card numbers (Luhn-valid test numbers), grouped or not.
  { text: 'Customer read out card 4111 1111 1111 1111 for the renewal', secrets: ['4111 1111 1111 1111'] },
  { text: 'card 5555-5555-5555-4444 exp 12/28', secrets: ['5555-5555-5555-4444'] },
  { text: 'Amex 378282246310005 on file', secrets: ['378282246310005'] },
];

/** Ordinary ticket text that must come through unchanged. */
export const NEGATIVES: string[] = [
  'Password reset completed, user signed in',
  'The password is expired; asked the user to change it at next sign-in',
  'User forgot password again',
  'Password was reset by the user through SSPR',
  'Outlook keeps asking for a password after the Microsoft 365 migration',
  'Checked the password policy: 90 days, 12 characters',
  'Passwords must be at least 14 characters long',
  'Ticket #184201: VPN drops every 10 minutes for remote staff',
  '[126585259] Disk alert: C: below 5% on NW-SQL01',
  'Call back on 555-0142 or +1 (941) 555-0199',
  'IP 192.168.10.25, gateway 192.168.10.1, DNS 10.0.0.2',
  'Error 0x800CCC0E when sending; event ID 4740 on DC01',
  'Serial number 1234567890123 (does not pass Luhn)',
  'Invoice 4111 1111 1111 1112 was paid',
  'Office build 16.0.17928.20114, Windows 11 23H2 build 22631.4317',
  'Ran Get-ADUser jdoe -Properties LockedOut, PasswordLastSet',
  'Set-ADAccountPassword -Identity <username> -Reset',
  'MAC address 00-1A-2B-3C-4D-5E on the printer',
  'Token expired, user signed in again',
  'API key rotation is scheduled for next month',
  'The secret to fixing this is patience',
  'Bearer of bad news: the backup failed again',
  'Used the pin code from the authenticator app',
  'net user jdoe /domain shows the account active',
  'net use Z: \\\\fab-fs01\\purchasing /persistent:yes',
  'Private key stays on the server; only the certificate was exported',
  'Cleared MicrosoftOffice16_Data entries in Credential Manager',
  'GUID 3f2504e0-4f89-11d3-9a0c-0305e82c3301 in the event',
  'Date 2026-09-15 09:41, ticket closed 2026-09-16',
  'Connection string uses Integrated Security=SSPI; Server=NW-SQL01',
  'Login: jdoe works on the web',
  'pw reset done',
];
