import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { installationKey, InstallationKeyKind } from '../db/installation-key.entity';

/** The fixed prefix of every API key secret: tells a key from a JWT (which starts `eyJ`), and secret scanners can find it. */
export const API_KEY_PREFIX = 'kak_';
/** Characters of the secret kept as the key's `prefix`, to recognise it in a list. */
const SHOWN_PREFIX_LENGTH = 12;

/** A new key secret: the prefix and 32 random bytes (256 bits), base64url. */
export function newApiKeySecret(): { secret: string; prefix: string } {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, SHOWN_PREFIX_LENGTH) };
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** A new Standard Webhooks signing secret: `whsec_` and 32 random bytes, base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The installation's integrations key (migration Integrations1765500000000), read once per process. It hashes API key
 * secrets and seals webhook signing secrets, so a copy of the database alone can neither test a guessed key nor sign
 * as the product.
 */
export class IntegrationSecrets {
  private key: Promise<Buffer> | undefined;
  constructor(private readonly dataSource: DataSource) {
    // Read at start-up, like the id key; a database not migrated yet (a CLI command) is asked again on first use.
    this.key = this.load();
    this.key.catch(() => undefined);
  }

  private load(): Promise<Buffer> {
    return installationKey(this.dataSource.manager, InstallationKeyKind.INTEGRATIONS).catch((error) => {
      this.key = undefined;
      throw error;
    });
  }

  private integrationsKey(): Promise<Buffer> {
    this.key ??= this.load();
    return this.key;
  }

  /**
   * HMAC-SHA256 of a key secret. A fast hash is enough here, unlike for passwords: the secret has 256 random bits, so
   * no number of guesses finds one, and slow hashes only help against guessable (low-entropy) inputs. Being keyed,
   * the hashes in a leaked database cannot even be checked against a candidate without the installation's key.
   */
  async hashApiKey(secret: string): Promise<Buffer> {
    return createHmac('sha256', await this.integrationsKey()).update(secret).digest();
  }

  /** AES-256-GCM: nonce ‖ tag ‖ ciphertext. */
  async seal(plain: string): Promise<Buffer> {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', (await this.integrationsKey()).subarray(0, 32), nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]);
  }

  async open(sealed: Buffer): Promise<string> {
    const decipher = createDecipheriv('aes-256-gcm', (await this.integrationsKey()).subarray(0, 32), sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  }
}
