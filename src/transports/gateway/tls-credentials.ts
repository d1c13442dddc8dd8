// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { AppConfig } from '../../config/app-config';

/**
 * The gateway's certificate and key (docs/protocol.md, "Transport"): the configured files, or a
 * self-signed development certificate generated once into `tlsDir` and reused on later starts.
 */
export interface TlsCredentials {
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, "AB:CD:…": what clients pin. */
  fingerprint256: string;
  certPath: string;
  source: 'configured' | 'generated' | 'reused';
}

export type TlsFileOptions = Pick<AppConfig['gateway'], 'certFile' | 'keyFile' | 'tlsDir'>;

export const DEV_CERT_FILE = 'gateway-dev-cert.pem';
export const DEV_KEY_FILE = 'gateway-dev-key.pem';
const DEV_CERT_VALID_DAYS = 5 * 365;
/** A development certificate this close to expiry is replaced at start. */
const RENEW_BEFORE_MS = 7 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

export async function loadTlsCredentials(options: TlsFileOptions): Promise<TlsCredentials> {
  const { certFile, keyFile, tlsDir } = options;
  if (certFile && keyFile) {
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    return { cert, key, fingerprint256: fingerprintOf(cert), certPath: certFile, source: 'configured' };
  }
  if (certFile || keyFile) {
    throw new Error('SATNET_TLS_CERT_FILE and SATNET_TLS_KEY_FILE must be set together');
  }
  return (await reuseDevCertificate(tlsDir)) ?? createDevCertificate(tlsDir);
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** The stored development certificate, unless it is missing, unreadable or about to expire. */
async function reuseDevCertificate(tlsDir: string): Promise<TlsCredentials | undefined> {
  const certPath = join(tlsDir, DEV_CERT_FILE);
  let cert: string;
  let key: string;
  try {
    [cert, key] = await Promise.all([
      readFile(certPath, 'utf8'),
      readFile(join(tlsDir, DEV_KEY_FILE), 'utf8'),
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // first start
    throw error;
  }
  const parsed = new X509Certificate(cert);
  // Certificate validity is judged by the peers' real clocks, not by the domain Clock.
  if (Date.parse(parsed.validTo) - Date.now() < RENEW_BEFORE_MS) return undefined;
  return { cert, key, fingerprint256: parsed.fingerprint256, certPath, source: 'reused' };
}

async function createDevCertificate(tlsDir: string): Promise<TlsCredentials> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // A day of slack for clients whose clocks run a little behind.
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + DEV_CERT_VALID_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  const certPath = join(tlsDir, DEV_CERT_FILE);
  // Key first, each written aside and renamed: a reader never sees half a file.
  await writeAtomically(join(tlsDir, DEV_KEY_FILE), pems.private, 0o600);
  await writeAtomically(certPath, pems.cert, 0o644);
  return {
    cert: pems.cert,
    key: pems.private,
    fingerprint256: fingerprintOf(pems.cert),
    certPath,
    source: 'generated',
  };
}

async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode });
  await rename(temporary, path);
}
