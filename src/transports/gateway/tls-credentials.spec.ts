// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { DEV_CERT_FILE, DEV_KEY_FILE, fingerprintOf, loadTlsCredentials } from './tls-credentials';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'satnet-tls-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const none = { certFile: null, keyFile: null };

describe('loadTlsCredentials', () => {
  it('generates a development certificate at first start and reuses it later', async () => {
    const tlsDir = join(dir, 'tls');
    const first = await loadTlsCredentials({ ...none, tlsDir });
    expect(first.source).toBe('generated');
    expect(first.certPath).toBe(join(tlsDir, DEV_CERT_FILE));
    expect(readFileSync(join(tlsDir, DEV_CERT_FILE), 'utf8')).toBe(first.cert);
    expect(statSync(join(tlsDir, DEV_KEY_FILE)).mode & 0o777).toBe(0o600);
    const second = await loadTlsCredentials({ ...none, tlsDir });
    expect(second).toMatchObject({ source: 'reused', fingerprint256: first.fingerprint256, key: first.key });
  });

  it('makes a certificate for localhost, 127.0.0.1 and ::1, valid now', async () => {
    const { cert, fingerprint256 } = await loadTlsCredentials({ ...none, tlsDir: dir });
    const parsed = new X509Certificate(cert);
    expect(parsed.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(parsed.checkHost('localhost')).toBe('localhost');
    expect(Date.parse(parsed.validFrom)).toBeLessThan(Date.now());
    expect(Date.parse(parsed.validTo)).toBeGreaterThan(Date.now() + 365 * 24 * 3600_000);
    expect(fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('replaces a stored development certificate that is about to expire', async () => {
    const old = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 3600_000),
    });
    writeFileSync(join(dir, DEV_CERT_FILE), old.cert);
    writeFileSync(join(dir, DEV_KEY_FILE), old.private);
    const loaded = await loadTlsCredentials({ ...none, tlsDir: dir });
    expect(loaded.source).toBe('generated');
    expect(loaded.fingerprint256).not.toBe(fingerprintOf(old.cert));
  });

  it('uses the configured certificate and key files', async () => {
    const pems = await generate([{ name: 'commonName', value: 'gateway.example' }], {
      keyType: 'ec',
      algorithm: 'sha256',
    });
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    writeFileSync(certFile, pems.cert);
    writeFileSync(keyFile, pems.private);
    const loaded = await loadTlsCredentials({ certFile, keyFile, tlsDir: join(dir, 'unused') });
    expect(loaded).toEqual({
      cert: pems.cert,
      key: pems.private,
      fingerprint256: fingerprintOf(pems.cert),
      certPath: certFile,
      source: 'configured',
    });
  });

  it('refuses a certificate without its key', async () => {
    await expect(
      loadTlsCredentials({ certFile: join(dir, 'cert.pem'), keyFile: null, tlsDir: dir }),
    ).rejects.toThrow('SATNET_TLS_CERT_FILE and SATNET_TLS_KEY_FILE must be set together');
  });
});
