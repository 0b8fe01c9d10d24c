// The starter library: flows an MSP engineer uses every week, given to every new account.
import type { FlowGraph, FlowKind, FlowNode, NodeKind } from '../flow-graph.js';

export interface StarterFlow {
  /** Stable key: seeding inserts each key at most once per account, ever. */
  key: string;
  kind: FlowKind;
  title: string;
  description: string;
  category: string;
  tags: string[];
  graph: FlowGraph;
}

type Opt = [id: string, label: string, next?: string];

function node(id: string, kind: NodeKind, title: string, options: Opt[] = [], extra: { body?: string; command?: string } = {}): FlowNode {
  return { id, kind, title, ...extra, options: options.map(([oid, label, next]) => (next ? { id: oid, label, next } : { id: oid, label })) };
}
const q = (id: string, title: string, options: Opt[], body?: string) => node(id, 'question', title, options, body ? { body } : {});
const act = (id: string, title: string, options: Opt[], extra: { body?: string; command?: string } = {}) => node(id, 'action', title, options, extra);
const check = (id: string, title: string, options: Opt[], extra: { body?: string; command?: string } = {}) => node(id, 'check', title, options, extra);
const fix = (id: string, title: string, body: string, command?: string) => node(id, 'solution', title, [], command ? { body, command } : { body });
const esc = (id: string, title: string, body: string) => node(id, 'escalate', title, [], { body });
const fixedOr = (fixed: string, still: string): Opt[] => [['fixed', 'That fixed it', fixed], ['still', 'Still failing', still]];

const outlook: StarterFlow = {
  key: 'outlook-password-prompts',
  kind: 'troubleshooting',
  title: 'Outlook keeps asking for a password or will not open',
  description: 'Desktop Outlook prompts for credentials again and again, or hangs or crashes on start. Separates account problems (Microsoft 365 sign-in, licence, block) from problems with this PC (cached credentials, modern authentication, add-ins, profile).',
  category: 'Email',
  tags: ['outlook', 'email', 'password prompt', 'credentials', 'microsoft 365', 'office 365', 'exchange online', 'mailbox', 'outlook profile', 'modern authentication', 'crash'],
  graph: {
    start: 'owa',
    nodes: [
      q('owa', 'Does the mailbox work in Outlook on the web?', [['yes', 'Yes, webmail works', 'desktop'], ['no', 'No, webmail fails too', 'web_signin']],
        'Have the user sign in at https://outlook.office.com in a private browser window. If webmail works, the account is fine and the problem is on this PC.'),
      q('web_signin', 'What happens when the user signs in on the web?', [
        ['pw_rejected', 'The password is rejected', 'sol_password'],
        ['blocked', 'The account is locked, disabled or blocked', 'account'],
        ['no_mailbox', 'Signs in, but there is no mailbox', 'sol_licence'],
      ]),
      check('account', 'Check the account in the Microsoft 365 admin center', [
        ['sign_in_blocked', '"Block sign-in" is on or the account is disabled', 'sol_unblock'],
        ['policy', 'Blocked by Conditional Access or a risk policy', 'esc_security'],
      ], { body: 'Users > Active users > the user: sign-in status and licences. Then Entra ID > Sign-in logs, filtered to the user: read the failure reason of the latest attempts.' }),
      q('desktop', 'What does desktop Outlook do?', [['prompts', 'Keeps asking for the password', 'credentials'], ['wont_open', 'Will not open, hangs or crashes on start', 'safe_mode']]),
      act('credentials', 'Clear the cached Office credentials', fixedOr('sol_credentials', 'modern_auth'), {
        body: 'Close Outlook. In Credential Manager > Windows Credentials, remove the entries that start with "MicrosoftOffice16_Data" and "SSO_POP_Device". In Outlook, File > Office Account > Sign out. Reopen Outlook and sign in once.',
        command: 'cmdkey /list | findstr /i "MicrosoftOffice SSO_POP"',
      }),
      check('modern_auth', 'Check modern authentication and the Office build', [
        ['ok', 'Modern authentication is on and Office is current', 'new_profile'],
        ['off', 'Modern authentication is disabled or Office is outdated', 'sol_modern_auth'],
      ], {
        body: 'Outlook 2013 and old builds prompt forever against Microsoft 365. Check File > Office Account > About for the build, and look for EnableADAL or AlwaysUseMSOAuthForAutoDiscover set to 0.',
        command: 'reg query "HKCU\\Software\\Microsoft\\Office\\16.0\\Common\\Identity"',
      }),
      act('safe_mode', 'Start Outlook in safe mode', [['opens', 'It opens in safe mode', 'sol_addins'], ['fails', 'It fails in safe mode too', 'new_profile']], {
        body: 'Safe mode starts Outlook without add-ins. If it opens, an add-in is the cause.',
        command: 'outlook.exe /safe',
      }),
      act('new_profile', 'Create a new Outlook profile', fixedOr('sol_profile', 'esc_outlook'), {
        body: 'Control Panel > Mail > Show Profiles > Add. Select "Always use this profile" with the new one. Keep the old profile until mail is confirmed.',
        command: 'control mlcfg32.cpl',
      }),
      fix('sol_password', 'Reset the password and update it on every device', 'Reset the password (or have the user use self-service reset), then update it in the mail apps on their phone and tablet — they keep retrying the old one and lock the account.'),
      fix('sol_unblock', 'Unblock sign-in', 'Turn "Block sign-in" off (or re-enable the account), confirm why it was blocked, and have the user sign in again.'),
      fix('sol_licence', 'Assign a licence that includes Exchange Online', 'Assign the licence in the admin center; the mailbox appears within a few minutes to an hour.'),
      fix('sol_credentials', 'Stale cached credentials cleared', 'Outlook had cached an old token or password; clearing the Office credentials and signing in once fixed the prompts.'),
      fix('sol_modern_auth', 'Enable modern authentication and update Office', 'Remove the registry values that disable modern authentication and update Office to a supported build (Click-to-Run: File > Office Account > Update Options > Update Now).'),
      fix('sol_addins', 'Disable the faulty add-in', 'File > Options > Add-ins > COM Add-ins > Go. Disable add-ins one at a time, starting with recently installed ones, until Outlook opens normally.'),
      fix('sol_profile', 'Outlook profile rebuilt', 'The old profile was damaged; the new profile works. Remove the old one after a few days.'),
      esc('esc_security', 'Escalate to security: sign-in blocked by policy', 'Do not weaken the policy from the help desk. Pass on the sign-in log entries (time, IP address, failure code) for the security team to review.'),
      esc('esc_outlook', 'Escalate: Outlook still fails with a new profile', 'Attach the Office build, a screenshot of the prompt or crash, and the Microsoft Support and Recovery Assistant (SaRA) results.'),
    ],
  },
};

const vpn: StarterFlow = {
  key: 'vpn-will-not-connect',
  kind: 'troubleshooting',
  title: 'VPN will not connect or keeps dropping',
  description: 'A remote user cannot connect to the company VPN, or the tunnel drops. Covers home internet, authentication, gateway reachability, certificates, client versions, idle and rekey timeouts and MTU problems.',
  category: 'Network',
  tags: ['vpn', 'remote access', 'remote staff', 'work from home', 'tunnel', 'anyconnect', 'forticlient', 'globalprotect', 'sonicwall', 'ipsec', 'ssl vpn', 'disconnects', 'drops'],
  graph: {
    start: 'symptom',
    nodes: [
      q('symptom', 'Does the VPN fail to connect, or connect and then drop?', [['fails', 'It never connects', 'internet'], ['drops', 'It connects, then drops', 'drop_pattern']]),
      q('internet', 'Can the user browse the internet without the VPN?', [['yes', 'Yes', 'error'], ['no', 'No', 'sol_internet']]),
      q('error', 'What does the VPN client say?', [
        ['auth', 'Authentication failed or credentials rejected', 'auth'],
        ['timeout', 'Timed out or cannot reach the gateway', 'gateway'],
        ['certificate', 'Certificate or "untrusted server" error', 'sol_certificate'],
      ]),
      check('auth', 'Check the account the VPN authenticates against', [
        ['locked', 'Locked out or password expired', 'sol_account'],
        ['fine', 'The account is fine', 'esc_network'],
      ], { body: 'VPNs often authenticate through RADIUS/NPS or LDAP: check the NPS event log or the firewall\'s authentication log for the user, and whether the user is in the VPN group.' }),
      check('gateway', 'Test the gateway from the user\'s PC', [
        ['open', 'The port answers', 'client'],
        ['closed', 'The port is closed or the name does not resolve', 'other_network'],
      ], { command: 'Test-NetConnection vpn.example.com -Port 443' }),
      q('other_network', 'Does it connect from another network, such as a phone hotspot?', [['yes', 'Yes', 'sol_isp'], ['no', 'No', 'esc_network']]),
      act('client', 'Update or reinstall the VPN client', fixedOr('sol_client', 'esc_network'), {
        body: 'Install the client version the firewall expects (the gateway\'s portal usually offers it). Remove old clients first; two VPN clients fight over the network adapter.',
      }),
      q('drop_pattern', 'When does it drop?', [
        ['interval', 'At a regular interval (for example every 10 minutes)', 'sol_timeout'],
        ['wifi', 'When Wi-Fi is weak or the laptop sleeps', 'sol_power'],
        ['random', 'At random', 'mtu'],
      ]),
      check('mtu', 'Check for MTU and fragmentation problems', [
        ['fragmented', '"Packet needs to be fragmented"', 'sol_mtu'],
        ['fine', 'Large packets pass', 'esc_network'],
      ], { command: 'ping vpn.example.com -f -l 1372' }),
      fix('sol_internet', 'Fix the home internet connection first', 'The VPN cannot work without internet: restart the router, try a cable or a hotspot, and contact the user\'s ISP if it stays down.'),
      fix('sol_certificate', 'Renew or trust the gateway certificate', 'The gateway certificate expired or the client does not trust its issuer. Renew it on the firewall, or deploy the issuing CA to the client.'),
      fix('sol_account', 'Unlock the account or reset the password', 'Unlock or reset, then update the saved VPN credentials on the client.'),
      fix('sol_isp', 'The user\'s network blocks the VPN', 'It works elsewhere, so the home router or ISP blocks the protocol (often UDP 500/4500 for IPsec). Switch the client to SSL/TCP 443 or ask the ISP.'),
      fix('sol_client', 'VPN client updated', 'The client was outdated or damaged; the current version connects.'),
      fix('sol_timeout', 'Align idle and rekey timeouts', 'Drops at a fixed interval come from an idle timeout, a DPD setting or mismatched phase 2 lifetimes on the gateway. Align the lifetimes and raise the idle timeout for the VPN group.'),
      fix('sol_power', 'Stop the adapter from sleeping', 'Device Manager > network adapter > Power Management: untick "Allow the computer to turn off this device to save power"; set Wi-Fi power saving to maximum performance.'),
      fix('sol_mtu', 'Lower the tunnel MTU', 'Set the VPN adapter or tunnel MTU to 1350–1400 (or enable MSS clamping on the gateway).'),
      esc('esc_network', 'Escalate to the network team', 'Pass on the gateway address, the client version, the exact error and the times of the failed attempts, plus what was ruled out above.'),
    ],
  },
};

const printer: StarterFlow = {
  key: 'printer-offline-jobs-stuck',
  kind: 'troubleshooting',
  title: 'Printer offline or print jobs stuck',
  description: 'A printer shows offline, jobs sit in the queue, or pages come out blank or garbled. Works from the printer itself to the network, the print server queue and the user\'s PC.',
  category: 'Printing',
  tags: ['printer', 'printing', 'print queue', 'print spooler', 'offline', 'stuck jobs', 'blank pages', 'copier', 'toner', 'paper jam', 'driver'],
  graph: {
    start: 'scope',
    nodes: [
      q('scope', 'Is it one user, or everyone who prints to this printer?', [['one', 'One user', 'user_pc'], ['everyone', 'Everyone', 'panel']]),
      check('panel', 'Check the printer itself', [['error', 'It shows an error (jam, toner, paper, tray)', 'sol_hardware'], ['ok', 'No error shown', 'ping']], {
        body: 'Look at the display, clear jams, check toner and trays, and print a configuration page from the panel to see its IP address.',
      }),
      check('ping', 'Ping the printer\'s IP address', [['reply', 'It replies', 'server_queue'], ['no_reply', 'No reply', 'sol_network']], { command: 'ping <printer IP>' }),
      check('server_queue', 'Check the queue on the print server', [['stuck', 'Jobs are stuck in the queue', 'spooler'], ['clear', 'The queue is clear', 'esc_vendor']], {
        command: 'Get-PrintJob -ComputerName <print server> -PrinterName "<printer>"',
      }),
      act('spooler', 'Clear the queue and restart the Print Spooler', fixedOr('sol_spooler', 'esc_vendor'), {
        body: 'Do this on the machine that holds the queue (the print server, or the PC for a direct IP printer).',
        command: 'Stop-Service Spooler -Force; Remove-Item "$env:SystemRoot\\System32\\spool\\PRINTERS\\*" -Force; Start-Service Spooler',
      }),
      q('user_pc', 'What does the user\'s PC show?', [
        ['offline', 'The printer shows "Offline"', 'port'],
        ['stuck', 'Online, but jobs stay in the queue', 'spooler'],
        ['blank', 'It prints blank or garbled pages', 'readd'],
      ]),
      act('port', 'Check the printer port and "Use Printer Offline"', fixedOr('sol_port', 'readd'), {
        body: 'Open the printer queue: in the Printer menu untick "Use Printer Offline". In Printer properties > Ports, make sure the port\'s IP address matches the printer (it changes when the printer has no DHCP reservation).',
      }),
      act('readd', 'Remove and re-add the printer with the current driver', fixedOr('sol_driver', 'esc_vendor'), {
        command: 'Get-PrinterDriver | Select-Object Name, DriverVersion',
      }),
      fix('sol_hardware', 'Clear the hardware fault', 'Clear the jam or replace the consumable shown on the panel; order toner if it is low.'),
      fix('sol_network', 'Reconnect the printer to the network', 'Check its cable or Wi-Fi, and give it a DHCP reservation or static IP so it stops moving.'),
      fix('sol_spooler', 'Queue cleared and spooler restarted', 'A stuck job blocked the queue; clearing it and restarting the Print Spooler fixed printing.'),
      fix('sol_port', 'Printer port corrected', 'The port pointed at an old IP or the queue was set to work offline; correcting it brought the printer back.'),
      fix('sol_driver', 'Printer reinstalled with the current driver', 'The driver was damaged or wrong; reinstalling with the manufacturer\'s current driver fixed the output.'),
      esc('esc_vendor', 'Escalate to the printer vendor or hardware support', 'Pass on the model, serial number, firmware, the configuration page and the error codes seen.'),
    ],
  },
};

const lockout: StarterFlow = {
  key: 'account-lockout-password-reset',
  kind: 'troubleshooting',
  title: 'Account lockout and password reset',
  description: 'A user is locked out, forgot the password or the password expired. Verifies the caller first, finds the source of repeated lockouts (event 4740) and resets safely.',
  category: 'Accounts',
  tags: ['account locked', 'lockout', 'locked out', 'password reset', 'forgot password', 'expired password', 'active directory', 'stale credentials', 'event 4740', 'unlock'],
  graph: {
    start: 'verify',
    nodes: [
      act('verify', 'Verify the caller\'s identity', [['verified', 'Identity verified', 'problem'], ['not_verified', 'Could not verify', 'esc_identity']], {
        body: 'Follow the MSP\'s verification policy before any reset: call back on the number in the PSA or HR record. Never reset on an email request alone.',
      }),
      q('problem', 'What is the problem?', [
        ['locked', 'The account is locked out', 'source'],
        ['forgot', 'The user forgot the password', 'reset'],
        ['expired', 'The password expired', 'reset'],
      ]),
      check('source', 'Find where the lockouts come from', [
        ['phone', 'A phone or tablet with old mail credentials', 'sol_phone'],
        ['computer', 'A computer (saved credentials, mapped drive, old session)', 'sol_saved_credentials'],
        ['service', 'A service or scheduled task running as the user', 'sol_service'],
        ['unknown', 'Many sources or unknown addresses', 'esc_security'],
      ], {
        body: 'On the PDC emulator the Security log event 4740 names the caller computer of each lockout.',
        command: "Get-WinEvent -ComputerName (Get-ADDomain).PDCEmulator -FilterHashtable @{LogName='Security';Id=4740} | Select-Object TimeCreated, @{n='User';e={$_.Properties[0].Value}}, @{n='Source';e={$_.Properties[1].Value}}",
      }),
      act('reset', 'Reset the password', [['signed_in', 'The user signed in with the new password', 'sol_reset'], ['cloud_old', 'Microsoft 365 still takes the old password', 'sol_sync']], {
        body: 'Set a temporary password and require a change at next sign-in. Give it by phone or a one-time secret link — never in the ticket.',
        command: 'Set-ADAccountPassword -Identity <username> -Reset; Set-ADUser -Identity <username> -ChangePasswordAtLogon $true; Unlock-ADAccount -Identity <username>',
      }),
      fix('sol_phone', 'Update the password on the device, then unlock', 'The phone kept signing in with the old password. Update it in the mail app (or remove and re-add the account), then unlock the account.', 'Unlock-ADAccount -Identity <username>'),
      fix('sol_saved_credentials', 'Remove the saved credentials on the computer, then unlock', 'Clear Credential Manager entries and re-map drives with the current password; sign out disconnected sessions on servers.'),
      fix('sol_service', 'Move the service to a service account', 'A service or task ran with the user\'s password. Give it a dedicated service account (or gMSA) and unlock the user.'),
      fix('sol_reset', 'Password reset and account unlocked', 'The user signed in and set a new password.'),
      fix('sol_sync', 'Sync the new password to Microsoft 365', 'Run a delta sync so the cloud picks up the new password (check password writeback if the reset was done in the cloud).', 'Start-ADSyncSyncCycle -PolicyType Delta'),
      esc('esc_identity', 'Escalate: caller identity not verified', 'Do not reset. Pass the request to the account manager or the customer\'s authorised contact.'),
      esc('esc_security', 'Escalate to security: possible password spraying', 'Lockouts from many or unknown sources can be an attack. Pass on the 4740 events, source addresses and times.'),
    ],
  },
};

const slow: StarterFlow = {
  key: 'slow-computer',
  kind: 'troubleshooting',
  title: 'Slow computer',
  description: 'A PC is slow, freezes or takes ages to start. Finds whether CPU, memory or disk is the bottleneck and what is behind it.',
  category: 'Workstations',
  tags: ['slow', 'slow computer', 'slow pc', 'performance', 'freezing', 'high cpu', 'memory', 'disk 100%', 'startup', 'sluggish', 'laptop'],
  graph: {
    start: 'scope',
    nodes: [
      q('scope', 'Is everything slow, or one application?', [['everything', 'Everything', 'task_manager'], ['one_app', 'One application', 'app']]),
      check('task_manager', 'Open Task Manager: what is maxed out?', [
        ['cpu', 'CPU', 'cpu'],
        ['memory', 'Memory', 'memory'],
        ['disk', 'Disk at 100%', 'disk'],
        ['nothing', 'Nothing stands out', 'uptime'],
      ], { command: 'Get-Process | Sort-Object CPU -Descending | Select-Object -First 10 Name, Id, CPU, WS' }),
      q('cpu', 'Which process uses the CPU?', [
        ['antivirus', 'Antivirus or Defender scan', 'sol_scan_schedule'],
        ['updates', 'Windows Update (TiWorker, wuauserv)', 'sol_updates'],
        ['other', 'Another process', 'sol_process'],
      ]),
      check('memory', 'Check installed memory and what uses it', [['low', 'Less than 8 GB installed', 'sol_ram'], ['leak', 'One process keeps growing', 'sol_process']], {
        command: 'Get-CimInstance Win32_ComputerSystem | Select-Object @{n="RAM GB";e={[math]::Round($_.TotalPhysicalMemory/1GB)}}',
      }),
      check('disk', 'Check the disk type, free space and health', [
        ['hdd', 'It is a spinning disk (HDD)', 'sol_ssd'],
        ['full', 'Less than 10% free', 'sol_cleanup'],
        ['failing', 'Health warning or SMART errors', 'esc_hardware'],
      ], { command: 'Get-PhysicalDisk | Select-Object FriendlyName, MediaType, HealthStatus; Get-PSDrive C' }),
      check('uptime', 'Check uptime and startup programs', [
        ['long_uptime', 'Not restarted for more than a week', 'sol_restart'],
        ['startup', 'Many startup programs', 'sol_startup'],
        ['fine', 'Both look fine', 'esc_hardware'],
      ], { command: '(Get-CimInstance Win32_OperatingSystem).LastBootUpTime' }),
      act('app', 'Update or repair the application', fixedOr('sol_app', 'esc_hardware')),
      fix('sol_scan_schedule', 'Move the full scan out of working hours', 'Schedule the antivirus full scan for the night and exclude the line-of-business data folders the vendor lists.'),
      fix('sol_updates', 'Let Windows Update finish and restart', 'Updates were installing in the background; after they finished and the PC restarted it was fast again.'),
      fix('sol_process', 'Stop or fix the runaway process', 'Update, reconfigure or remove the process that used the CPU or memory.'),
      fix('sol_ram', 'Add memory', 'Quote a memory upgrade to at least 16 GB; in the meantime close unused browser tabs and apps.'),
      fix('sol_ssd', 'Replace the spinning disk with an SSD', 'Quote an SSD and clone the disk; a spinning disk at 100% is the bottleneck.'),
      fix('sol_cleanup', 'Free disk space', 'Run Disk Cleanup (including system files) and move large personal files to OneDrive or a share.', 'cleanmgr /sagerun:1'),
      fix('sol_restart', 'Restart the computer', 'The PC had not restarted in a long time; a restart cleared it. Fast Startup keeps "shut down" from resetting — restart instead.'),
      fix('sol_startup', 'Trim startup programs', 'Task Manager > Startup apps: disable what the user does not need at sign-in.'),
      fix('sol_app', 'Application updated or repaired', 'The application was outdated or damaged; updating or repairing it restored its speed.'),
      esc('esc_hardware', 'Escalate for hardware diagnostics', 'Run the manufacturer\'s diagnostics and pass on the model, age, disk health and what was ruled out.'),
    ],
  },
};

const dns: StarterFlow = {
  key: 'dns-cannot-reach-site',
  kind: 'troubleshooting',
  title: 'Cannot reach a website or internal site (DNS)',
  description: 'A user cannot open a website or an internal application by name. Separates a site that is down from name resolution on the PC, the DNS server, a proxy or web filter, and the browser.',
  category: 'Network',
  tags: ['dns', 'website', 'web site', 'cannot reach', 'cannot open', 'name resolution', 'nslookup', 'browser', 'intranet', 'err_name_not_resolved', 'site down', 'internet'],
  graph: {
    start: 'scope',
    nodes: [
      q('scope', 'Is it one site, or every site?', [['one', 'One site', 'others'], ['all', 'Every site', 'ping']]),
      q('others', 'Can other users or another device reach the site?', [['yes', 'Yes', 'compare'], ['no', 'No', 'site_down']]),
      check('site_down', 'Is the site down, or is its DNS record wrong?', [
        ['down', 'The site is down for everyone', 'sol_vendor'],
        ['record', 'Internal site: its DNS record is missing or wrong', 'sol_record'],
      ], { command: 'Resolve-DnsName <site> -Server 1.1.1.1' }),
      check('compare', 'Compare the PC\'s answer with a public resolver', [['differ', 'The answers differ or the PC gets none', 'flush'], ['same', 'Same answer', 'proxy']], {
        command: 'nslookup <site>',
      }),
      act('flush', 'Flush the DNS cache', fixedOr('sol_flush', 'hosts'), { command: 'ipconfig /flushdns' }),
      check('hosts', 'Check the hosts file and the adapter\'s DNS servers', [
        ['hosts_entry', 'A wrong entry in the hosts file', 'sol_hosts'],
        ['wrong_dns', 'The adapter uses an unexpected DNS server', 'sol_dns_server'],
        ['ok', 'Both are fine', 'esc_network'],
      ], { command: 'Get-Content C:\\Windows\\System32\\drivers\\etc\\hosts; Get-DnsClientServerAddress -AddressFamily IPv4' }),
      check('proxy', 'Check the proxy, web filter and browser', [
        ['filtered', 'Blocked by the web filter or proxy', 'sol_filter'],
        ['browser', 'It works in another browser', 'sol_browser'],
        ['no', 'None of these', 'esc_network'],
      ]),
      check('ping', 'Ping an IP address, then a name', [['names_fail', 'The IP answers, names fail', 'dns_server'], ['nothing', 'Nothing answers', 'esc_network']], {
        command: 'ping 8.8.8.8; ping microsoft.com',
      }),
      check('dns_server', 'Test the configured DNS server', [['down', 'The DNS server does not answer', 'sol_dns_service'], ['answers', 'It answers', 'flush']], {
        command: 'Resolve-DnsName microsoft.com -Server <DNS server IP>',
      }),
      fix('sol_vendor', 'The site itself is down', 'Tell the user, point them at the vendor\'s status page and check again later.'),
      fix('sol_record', 'Fix the internal DNS record', 'Create or correct the A/CNAME record on the internal DNS server.'),
      fix('sol_flush', 'DNS cache flushed', 'The PC had cached an old answer; flushing the cache fixed it.'),
      fix('sol_hosts', 'Remove the wrong hosts file entry', 'A stale or malicious hosts entry pointed the name elsewhere; it was removed (check for malware if nobody knows who added it).'),
      fix('sol_dns_server', 'Point the adapter at the right DNS servers', 'Set DNS back to DHCP or to the internal DNS servers.', 'Set-DnsClientServerAddress -InterfaceAlias "Ethernet" -ResetServerAddresses'),
      fix('sol_filter', 'Allow the site in the web filter', 'Request or add an allow rule for the site in the web filter, if the business needs it.'),
      fix('sol_browser', 'Reset the browser', 'Clear the browser cache and extensions, or reset its settings.'),
      fix('sol_dns_service', 'Restart the DNS service on the server', 'The DNS server service had stopped answering; restarting it restored name resolution.', 'Restart-Service DNS'),
      esc('esc_network', 'Escalate to the network team', 'Pass on the names tested, the answers from each resolver, the adapter configuration and the times.'),
    ],
  },
};

const mfa: StarterFlow = {
  key: 'm365-mfa-problems',
  kind: 'troubleshooting',
  title: 'Microsoft 365 MFA problems',
  description: 'Multi-factor authentication fails: a new or lost phone, notifications that never arrive, or sign-in loops. Reads the Entra sign-in logs and watches for prompts the user did not start.',
  category: 'Accounts',
  tags: ['mfa', 'multi-factor', 'multifactor', '2fa', 'authenticator', 'microsoft authenticator', 'verification code', 'new phone', 'lost phone', 'microsoft 365', 'aadsts50076', 'conditional access', 'sign-in'],
  graph: {
    start: 'problem',
    nodes: [
      q('problem', 'What is the MFA problem?', [
        ['new_phone', 'New, lost or reset phone', 'verify'],
        ['no_push', 'Notifications never arrive', 'phone'],
        ['loop', 'Sign-in loops or keeps asking', 'logs'],
      ]),
      act('verify', 'Verify the caller\'s identity', [['verified', 'Identity verified', 'reregister'], ['not_verified', 'Could not verify', 'esc_security']], {
        body: 'Resetting MFA hands the account to whoever is on the phone: call back on a known number first.',
      }),
      act('reregister', 'Require re-registration of MFA methods', [['done', 'The user registered the new phone', 'sol_reregistered']], {
        body: 'Entra admin center > Users > the user > Authentication methods > Require re-register multifactor authentication, and Revoke sessions. The user registers at https://aka.ms/mysecurityinfo.',
      }),
      check('phone', 'Check the phone', [['code_works', 'The code from the app works', 'sol_notifications'], ['nothing', 'Nothing works', 'logs']], {
        body: 'Time set automatically, notifications allowed for Authenticator, battery saver off, app updated. Try the code shown in the app instead of the push.',
      }),
      check('logs', 'Read the sign-in logs', [
        ['conditional_access', 'Blocked by Conditional Access (53003)', 'esc_security'],
        ['denied', 'MFA denied or timed out (500121)', 'unexpected'],
        ['succeeds', 'The log shows success', 'sol_session'],
      ], { body: 'Entra ID > Sign-in logs, filtered to the user. AADSTS50076/50074 mean MFA was required, 500121 that it failed or was denied, 53003 that Conditional Access blocked it.' }),
      q('unexpected', 'Did the user get prompts they did not start?', [['yes', 'Yes', 'esc_security'], ['no', 'No', 'sol_notifications']]),
      fix('sol_reregistered', 'MFA methods re-registered', 'The old methods were cleared and the user registered the new phone; sign-in works.'),
      fix('sol_notifications', 'Fix Authenticator notifications', 'Reinstall or re-add the account in Authenticator, allow notifications, or switch the default method to the app code.'),
      fix('sol_session', 'Clear the browser session', 'Sign out of all Microsoft sessions, clear cookies for login.microsoftonline.com and sign in again.'),
      esc('esc_security', 'Escalate to security: possible account compromise', 'Prompts the user did not start mean someone has the password. Reset it, revoke sessions and pass on the sign-in logs (IP addresses, locations, times).'),
    ],
  },
};

const drive: StarterFlow = {
  key: 'mapped-drive-missing',
  kind: 'troubleshooting',
  title: 'Mapped network drive missing or disconnected',
  description: 'A mapped drive is gone or shows a red X. Checks reachability of the file server, the UNC path, permissions and group membership, and Group Policy drive maps.',
  category: 'Files',
  tags: ['mapped drive', 'network drive', 'shared drive', 'file share', 'file server', 'smb', 'net use', 'group policy', 'unc path', 'red x', 'permissions'],
  graph: {
    start: 'symptom',
    nodes: [
      q('symptom', 'Is the drive missing, or shown with a red X?', [['missing', 'Missing', 'gpo'], ['red_x', 'Red X or "disconnected"', 'reach']]),
      check('reach', 'Can the PC reach the file server?', [['reachable', 'Port 445 answers', 'unc'], ['unreachable', 'No answer', 'remote']], {
        command: 'Test-NetConnection <fileserver> -Port 445',
      }),
      q('remote', 'Is the user working remotely?', [['yes', 'Yes', 'sol_vpn'], ['no', 'No, in the office', 'esc_server']]),
      check('unc', 'Open the UNC path directly', [
        ['opens', 'It opens', 'sol_remap'],
        ['denied', 'Access denied', 'permissions'],
        ['asks_credentials', 'It asks for credentials', 'sol_credentials'],
      ], { command: 'explorer \\\\<fileserver>\\<share>' }),
      check('permissions', 'Check group membership and share permissions', [['not_member', 'The user is not in the group', 'sol_group'], ['member', 'The user is in the group', 'esc_server']], {
        command: 'Get-ADPrincipalGroupMembership <username> | Select-Object Name',
      }),
      check('gpo', 'Is the drive mapped by Group Policy or a logon script?', [
        ['gpo_applied', 'The policy applies but the drive is missing', 'gpupdate'],
        ['gpo_missing', 'The policy does not apply to the user', 'sol_group'],
        ['by_hand', 'It was mapped by hand', 'sol_remap'],
      ], { command: 'gpresult /r /scope user' }),
      act('gpupdate', 'Refresh policy, then sign out and in', fixedOr('sol_gpupdate', 'esc_server'), { command: 'gpupdate /force' }),
      fix('sol_remap', 'Drive mapped again', 'Mapped the drive again as persistent.', 'net use Z: \\\\<fileserver>\\<share> /persistent:yes'),
      fix('sol_credentials', 'Clear the saved credentials for the server', 'Credential Manager held an old password for the file server; removing it and re-mapping fixed access.'),
      fix('sol_group', 'Add the user to the right group', 'Added the user to the security group the share and the drive map use; the user signs out and in.'),
      fix('sol_vpn', 'Connect the VPN first', 'Remote users need the VPN up before the drive can reconnect.'),
      fix('sol_gpupdate', 'Group Policy refreshed', 'The drive map policy had not applied yet; refreshing it brought the drive back.'),
      esc('esc_server', 'Escalate: file server or share problem', 'Pass on the server, share, the error and the test results.'),
    ],
  },
};

const onboarding: StarterFlow = {
  key: 'new-user-onboarding',
  kind: 'procedural',
  title: 'New user onboarding',
  description: 'An ordered checklist for a new hire: accounts, licence, groups, file and application access, the laptop, MFA and the first-day check.',
  category: 'Accounts',
  tags: ['onboarding', 'new hire', 'new user', 'new starter', 'account creation', 'microsoft 365 licence', 'laptop setup', 'setup'],
  graph: {
    start: 'account',
    nodes: [
      act('account', 'Create the account', [['done', 'Done', 'licence']], {
        body: 'Name, title, department and manager from the request. Copy group membership from a peer in the same role only if the manager agreed.',
        command: 'New-ADUser -Name "<Full Name>" -SamAccountName <username> -UserPrincipalName <username>@<domain> -Department "<Department>" -Enabled $false',
      }),
      act('licence', 'Assign the Microsoft 365 licence and check the mailbox', [['done', 'Done', 'groups']]),
      act('groups', 'Add to security and distribution groups', [['done', 'Done', 'access']]),
      act('access', 'Grant file share and line-of-business application access', [['done', 'Done', 'device'], ['not_needed', 'Not needed for this user', 'device']]),
      act('device', 'Prepare the laptop', [['done', 'Done', 'mfa']], {
        body: 'Join to the domain or Entra ID, enrol in the RMM and Intune, install the standard applications, enable BitLocker and store the recovery key.',
      }),
      act('mfa', 'Prepare MFA registration for the first day', [['done', 'Done', 'welcome']]),
      act('welcome', 'Send the welcome details through a secure channel', [['done', 'Done', 'first_day']], {
        body: 'Send the first password by phone or a one-time secret link, never in the ticket or in plain email. Enable the account on the start date.',
      }),
      check('first_day', 'First-day check with the user', [['all_good', 'Sign-in, email, drives and printer all work', 'done'], ['missing', 'Something is missing', 'follow_up']]),
      act('follow_up', 'Record what is missing as follow-up tasks', [['done', 'Done', 'done']]),
      fix('done', 'Onboarding complete', 'The user has their account, licence, access and a working laptop.'),
    ],
  },
};

const patching: StarterFlow = {
  key: 'monthly-patching',
  kind: 'maintenance',
  title: 'Monthly patching (servers and workstations)',
  description: 'The monthly patch runbook, run against every server and workstation in scope: check backups, snapshot, approve, install, reboot, verify and report. Record each target as an observation ("host — result") so the note lists them.',
  category: 'Maintenance',
  tags: ['patching', 'patch tuesday', 'windows update', 'updates', 'maintenance', 'reboot', 'wsus', 'rmm', 'servers', 'workstations'],
  graph: {
    start: 'review',
    nodes: [
      node('review', 'info', 'Review this month\'s patches and known issues', [['done', 'Reviewed', 'backups']], {
        body: 'Read the release notes and known issues for this month\'s cumulative updates; hold back any update with a known problem for your line-of-business applications.',
      }),
      check('backups', 'Confirm last night\'s backups for every server in scope', [['ok', 'All succeeded', 'snapshot'], ['failed', 'A backup failed', 'fix_backup']]),
      act('fix_backup', 'Fix or re-run the failed backup before patching that server', [['done', 'Backup now good', 'snapshot'], ['skip', 'Skip that server this month', 'snapshot']]),
      act('snapshot', 'Snapshot the virtual servers', [['done', 'Done', 'approve'], ['not_needed', 'No virtual servers in scope', 'approve']]),
      act('approve', 'Approve the updates for the target groups in the RMM or WSUS', [['done', 'Done', 'install']]),
      act('install', 'Install the updates on each target', [['done', 'Installed on all targets', 'reboot']], {
        body: 'Workstations first, then servers inside the maintenance window; domain controllers one at a time.',
        command: 'Install-WindowsUpdate -AcceptAll -IgnoreReboot',
      }),
      check('reboot', 'Reboot and check services on each target', [['ok', 'All targets are back with their services running', 'verify'], ['failed', 'A target failed to update or boot', 'rollback']], {
        command: "Get-Service | Where-Object { $_.StartType -eq 'Automatic' -and $_.Status -ne 'Running' }",
      }),
      act('rollback', 'Roll back or retry the failed target and record it', [['done', 'Done', 'verify']]),
      check('verify', 'Verify patch compliance', [['done', 'Compliance checked', 'report']], { command: 'Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 5' }),
      fix('report', 'Report the patch run', 'List the targets patched, the exceptions with their reasons and the next maintenance window.'),
    ],
  },
};

const disk: StarterFlow = {
  key: 'low-disk-space',
  kind: 'troubleshooting',
  title: 'Low disk space alert',
  description: 'A monitoring alert or a user reports a nearly full disk (C: below 10%). Finds what grew — logs, SQL transaction logs, the Windows component store — and frees or adds space.',
  category: 'Servers',
  tags: ['disk space', 'low disk', 'disk full', 'disk alert', 'c drive', 'storage', 'free space', 'monitoring alert', 'cleanup', 'sql log', 'server'],
  graph: {
    start: 'scope',
    nodes: [
      q('scope', 'Is it a server or a workstation?', [['server', 'Server', 'growth'], ['workstation', 'Workstation', 'cleanup']]),
      check('growth', 'Find what is using the space', [
        ['logs', 'Log files (IIS, application, backup agent)', 'sol_logs'],
        ['sql', 'SQL Server data or transaction log files', 'sql_log'],
        ['windows', 'Windows: WinSxS, update cache, memory dump', 'sol_component_store'],
        ['other', 'User data or unknown', 'esc_storage'],
      ], {
        command: "Get-ChildItem C:\\ -Directory -Force -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ Path = $_.FullName; GB = [math]::Round((Get-ChildItem $_.FullName -Recurse -File -Force -ErrorAction SilentlyContinue | Measure-Object Length -Sum).Sum / 1GB, 1) } } | Sort-Object GB -Descending | Select-Object -First 10",
      }),
      check('sql_log', 'Check the recovery model and the last log backup', [
        ['no_log_backups', 'FULL recovery model without log backups', 'sol_sql_log'],
        ['real_growth', 'The data is really growing', 'sol_extend'],
      ]),
      act('cleanup', 'Run Disk Cleanup including system files', fixedOr('sol_cleanup', 'esc_storage'), { command: 'cleanmgr /sagerun:1' }),
      fix('sol_logs', 'Rotate and clean old logs', 'Deleted logs older than the retention period and set up rotation so they do not fill the disk again.'),
      fix('sol_sql_log', 'Back up and shrink the transaction log', 'Took a log backup, shrank the log file, and scheduled log backups (or switched to SIMPLE recovery if point-in-time restore is not needed).'),
      fix('sol_component_store', 'Clean up the component store', 'Cleaned the Windows component store and removed the old memory dump.', 'Dism.exe /Online /Cleanup-Image /StartComponentCleanup'),
      fix('sol_extend', 'Extend the disk', 'Extended the virtual disk and the volume; the data growth is expected.'),
      fix('sol_cleanup', 'Space freed with Disk Cleanup', 'Disk Cleanup freed enough space; the alert cleared.'),
      esc('esc_storage', 'Escalate: storage needs a decision', 'Pass on the volume size, free space, the top folders and their growth.'),
    ],
  },
};

const backup: StarterFlow = {
  key: 'backup-job-failed',
  kind: 'troubleshooting',
  title: 'Backup job failed (VSS errors)',
  description: 'A nightly backup job failed. Reads the job error, checks the VSS writers and shadow storage, target space and access, and re-runs the job.',
  category: 'Backup',
  tags: ['backup', 'backup failed', 'backup job', 'vss', 'volume shadow copy', 'vss writer', 'snapshot', 'veeam', 'datto', 'nightly job'],
  graph: {
    start: 'error',
    nodes: [
      q('error', 'What does the job\'s error say?', [
        ['vss', 'A VSS or snapshot error', 'writers'],
        ['space', 'The target is full', 'sol_target_space'],
        ['access', 'Cannot reach the target, or credentials rejected', 'sol_target_access'],
        ['other', 'Something else', 'esc_vendor'],
      ]),
      check('writers', 'List the VSS writers', [['failed', 'A writer is failed or not stable', 'restart_writer'], ['all_stable', 'All writers are stable', 'shadow_storage']], {
        command: 'vssadmin list writers',
      }),
      act('restart_writer', 'Restart the service behind the failed writer', [['rerun', 'Restarted, re-run the job', 'rerun'], ['still_failed', 'The writer stays failed', 'sol_reboot']], {
        body: 'SqlServerWriter: "SQL Server VSS Writer"; Registry and System writers: "Cryptographic Services"; WMI Writer: "Windows Management Instrumentation"; IIS writers: "IIS Admin Service".',
      }),
      check('shadow_storage', 'Check the shadow storage', [['full', 'Shadow storage is full or too small', 'sol_shadow_storage'], ['ok', 'Enough shadow storage', 'esc_vendor']], {
        command: 'vssadmin list shadowstorage',
      }),
      act('rerun', 'Re-run the backup job now', [['succeeded', 'It succeeded', 'sol_writer'], ['failed', 'It failed again', 'esc_vendor']]),
      fix('sol_writer', 'VSS writer restarted, backup succeeded', 'The VSS writer had failed; restarting its service and re-running the job worked.'),
      fix('sol_reboot', 'Reboot the server in the next window', 'The writer only recovers after a reboot; schedule one and re-run the backup after it.'),
      fix('sol_shadow_storage', 'Enlarge the shadow storage', 'Raised the shadow storage limit so snapshots fit.', 'vssadmin resize shadowstorage /for=C: /on=C: /maxsize=15%'),
      fix('sol_target_space', 'Free space on the backup target', 'Apply retention, remove old restore points or add capacity on the target.'),
      fix('sol_target_access', 'Fix access to the backup target', 'Update the stored credentials or restore network access to the target, then re-run the job.'),
      esc('esc_vendor', 'Escalate to the backup vendor', 'Pass on the job log, the VSS writer list and the application event log entries around the failure.'),
    ],
  },
};

const sharedMailbox: StarterFlow = {
  key: 'shared-mailbox-missing',
  kind: 'troubleshooting',
  title: 'Shared mailbox missing from Outlook',
  description: 'A shared mailbox no longer shows in Outlook, or the user cannot send as it. Checks permissions, automapping and the Outlook cache.',
  category: 'Email',
  tags: ['shared mailbox', 'mailbox', 'outlook', 'automapping', 'full access', 'send as', 'exchange online', 'email', 'delegate'],
  graph: {
    start: 'owa',
    nodes: [
      q('owa', 'Can the user open the shared mailbox in Outlook on the web?', [['yes', 'Yes', 'automap'], ['no', 'No', 'permissions']],
        'In Outlook on the web: profile picture > Open another mailbox.'),
      check('permissions', 'Check the mailbox permissions', [['missing', 'The user has no Full Access', 'sol_grant'], ['present', 'Full Access is there', 'esc_exchange']], {
        command: 'Get-EXOMailboxPermission -Identity <shared mailbox> | Where-Object { $_.User -like "*<username>*" }',
      }),
      act('automap', 'Re-grant Full Access with automapping, then restart Outlook', fixedOr('sol_automap', 'add_manually'), {
        command: 'Remove-MailboxPermission -Identity <shared mailbox> -User <username> -AccessRights FullAccess -Confirm:$false; Add-MailboxPermission -Identity <shared mailbox> -User <username> -AccessRights FullAccess -AutoMapping $true',
      }),
      act('add_manually', 'Add the mailbox by hand in the account settings', fixedOr('sol_manual', 'esc_exchange'), {
        body: 'File > Account Settings > the account > Change > More Settings > Advanced > Add. Automapping can take up to an hour to apply.',
      }),
      fix('sol_grant', 'Grant Full Access to the shared mailbox', 'The user had lost access (often after a group change); granting Full Access brought the mailbox back.'),
      fix('sol_automap', 'Automapping restored', 'Re-granting Full Access with automapping made the mailbox appear again after an Outlook restart.'),
      fix('sol_manual', 'Shared mailbox added by hand', 'The mailbox was added under the account\'s advanced settings.'),
      esc('esc_exchange', 'Escalate to the Exchange administrator', 'Pass on the mailbox, the user, the permissions output and what Outlook shows.'),
    ],
  },
};

export const STARTER_FLOWS: readonly StarterFlow[] = [
  outlook,
  vpn,
  printer,
  lockout,
  slow,
  dns,
  mfa,
  drive,
  onboarding,
  patching,
  disk,
  backup,
  sharedMailbox,
];
