import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import type { Clock } from '../common/clock';
import { isPlausibleId } from '../common/ids';

/** Bearer tokens (contract: Authentication): HS256 with AUTH_JWT_SECRET, claims `sub` and `exp`. */
export class TokenService {
  private readonly key: Uint8Array;
  constructor(secret: string, private readonly clock: Clock) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(userId: string, validForSeconds = 3600): Promise<string> {
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + validForSeconds)
      .sign(this.key);
  }

  /**
   * The user id in a valid token; null for a forged, malformed or expired one, and for a `sub` that is no user id an
   * import could have given (`u-kari\0`, `u-kari `): such a token is refused rather than looked up.
   */
  async verify(token: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
        currentDate: this.clock.now(),
      });
      return isPlausibleId(payload.sub) ? payload.sub : null;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
  }
}

/** The token in an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
