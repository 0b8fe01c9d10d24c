// `npm run sim`: starts the ConnectWise simulator (credentials and port from the environment).
import { DEFAULT_CREDENTIALS, startSimulator } from './simulator.js';

const env = (name: string, fallback: string) => (process.env[name] && process.env[name] !== '' ? process.env[name]! : fallback);

const portRaw = env('PORT', '9123');
const port = Number(portRaw);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535), got "${portRaw}".`);
  process.exit(1);
}

const sim = await startSimulator({
  port,
  host: env('HOST', '127.0.0.1'),
  credentials: {
    companyId: env('CW_COMPANY_ID', DEFAULT_CREDENTIALS.companyId),
    publicKey: env('CW_PUBLIC_KEY', DEFAULT_CREDENTIALS.publicKey),
    privateKey: env('CW_PRIVATE_KEY', DEFAULT_CREDENTIALS.privateKey),
    clientId: env('CW_CLIENT_ID', DEFAULT_CREDENTIALS.clientId),
  },
});

console.log(`ConnectWise simulator listening on http://127.0.0.1:${sim.port}`);
console.log(`  company id: ${sim.credentials.companyId}   public key: ${sim.credentials.publicKey}   client id: ${sim.credentials.clientId}`);
console.log(`  (the private key is CW_PRIVATE_KEY, or the README's default)`);
console.log(`  web app:  http://127.0.0.1:${sim.port}/${sim.codebase}ConnectWise.aspx?locale=en_US   REST: ${sim.apiBase}`);

const stop = () => {
  sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
