import { jwtVerify, SignJWT, errors as joseErrors, type JWTPayload } from 'jose';
import type { Clock } from '../common/clock';
import { isPlausibleId } from '../common/ids';
import type { Config } from '../config/config';

/** What the token service takes from the configuration. */
export type TokenSettings = Pick<Config, 'authJwtSecret' | 'authJwtPreviousSecret' | 'authJwtIssuer' | 'authJwtAudience' | 'authJwtMaxAgeSeconds'>;

/**
 * Bearer tokens (contract: Authentication): HS256 with AUTH_JWT_SECRET, claims `sub` and `exp` — what outside callers
 * mint, and still enough by default. On top, as identity providers expect: a previous secret still accepted during a
 * rotation, `iss`/`aud` required when configured, and a maximum token age.
 */
export class TokenService {
  /** The current key signs; the previous one (during a rotation) only verifies. */
  private readonly keys: Uint8Array[];
  constructor(
    private readonly settings: TokenSettings,
    private readonly clock: Clock,
  ) {
    const encode = (secret: string) => new TextEncoder().encode(secret);
    this.keys = [encode(settings.authJwtSecret), ...(settings.authJwtPreviousSecret ? [encode(settings.authJwtPreviousSecret)] : [])];
  }

  /** A token for the user, signed with the current secret; valid for `validForSeconds`, or the maximum age if shorter. */
  async issue(userId: string, validForSeconds = 3600): Promise<string> {
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    let jwt = new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + Math.min(validForSeconds, this.settings.authJwtMaxAgeSeconds));
    if (this.settings.authJwtIssuer) jwt = jwt.setIssuer(this.settings.authJwtIssuer);
    if (this.settings.authJwtAudience) jwt = jwt.setAudience(this.settings.authJwtAudience);
    return jwt.sign(this.keys[0]);
  }

  /**
   * The user id in a valid token; null for a forged, malformed, expired, too long-lived or foreign one, and for a `sub`
   * that is no user id an import could have given (`u-kari\0`, `u-kari `): such a token is refused rather than looked up.
   */
  async verify(token: string): Promise<string | null> {
    const now = this.clock.now();
    for (const key of this.keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp'],
          currentDate: now,
          ...(this.settings.authJwtIssuer ? { issuer: this.settings.authJwtIssuer } : {}),
          ...(this.settings.authJwtAudience ? { audience: this.settings.authJwtAudience } : {}),
        });
        if (!this.withinMaxAge(payload, now)) return null;
        return isPlausibleId(payload.sub) ? payload.sub : null;
      } catch (error) {
        // Signed with another key: perhaps the previous secret. Any other failure is final.
        if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
        if (error instanceof joseErrors.JOSEError) return null;
        throw error;
      }
    }
    return null;
  }

  /**
   * A token may live at most the maximum age: its `exp` no further ahead, its `iat` (optional, as the contract's
   * tokens carry only `sub` and `exp`) no older. A stolen long-lived token is then worth little, and tokens signed
   * with a previous secret are all expired once the maximum age has passed after a rotation.
   */
  private withinMaxAge(payload: JWTPayload, now: Date): boolean {
    const nowSeconds = now.getTime() / 1000;
    const maxAge = this.settings.authJwtMaxAgeSeconds;
    if (typeof payload.exp !== 'number' || payload.exp - nowSeconds > maxAge) return false;
    if (payload.iat !== undefined && (typeof payload.iat !== 'number' || nowSeconds - payload.iat > maxAge)) return false;
    return true;
  }
}

/** The token in an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
