// A throwaway self-signed certificate for 127.0.0.1, made with the openssl
// command line for one test run (the browser is started with
// --ignore-certificate-errors): a console served over HTTPS, as one served
// from the internet must be for the browser to ask for local network access.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** `{key, cert}` (PEM strings) of a new certificate for 127.0.0.1. */
export function selfSignedCert() {
  const dir = mkdtempSync(path.join(tmpdir(), 'rtv-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
