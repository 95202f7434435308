import { randomBytes } from 'node:crypto';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { smallWorld } from '../support/fixtures';
import { errorCode, startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';

const VIEWER = '{ viewer { user { id name email } memberships { partner { name partnerCode } rights } } }';

interface Claims {
  sub?: string;
  exp?: number;
  iat?: number;
  iss?: string;
  aud?: string;
}

async function sign(claims: Claims, secret = TEST_JWT_SECRET): Promise<string> {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' });
  if (claims.sub) jwt = jwt.setSubject(claims.sub);
  if (claims.exp) jwt = jwt.setExpirationTime(claims.exp);
  if (claims.iat) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.iss) jwt = jwt.setIssuer(claims.iss);
  if (claims.aud) jwt = jwt.setAudience(claims.aud);
  return jwt.sign(new TextEncoder().encode(secret));
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('authentication (DESIGN A1, contract: Authentication)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  const nowSeconds = () => Math.floor(app.clock.now().getTime() / 1000);

  it('A1: a request without a token is UNAUTHENTICATED (HTTP 401)', async () => {
    const res = await app.gql(VIEWER, {}, {});
    expect(res.status).toBe(401);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(res.body.data).toBeUndefined();
  });

  it('A1: a token signed with another secret is UNAUTHENTICATED', async () => {
    const forged = await sign({ sub: 'u-kari', exp: nowSeconds() + 600 }, 'another-secret-that-is-also-long-enough-000000');
    const res = await app.gql(VIEWER, {}, { authorization: `Bearer ${forged}` });
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('A1: an expired token is UNAUTHENTICATED', async () => {
    const expired = await sign({ sub: 'u-kari', exp: nowSeconds() - 1 });
    const res = await app.gql(VIEWER, {}, { authorization: `Bearer ${expired}` });
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('A1: a token without exp, or for a user that does not exist, is UNAUTHENTICATED', async () => {
    for (const token of [await sign({ sub: 'u-kari' }), await sign({ sub: 'u-nobody', exp: nowSeconds() + 600 }), 'not-a-jwt']) {
      expect(errorCode(await app.gql(VIEWER, {}, { authorization: `Bearer ${token}` }))).toBe('UNAUTHENTICATED');
    }
  });

  it('A1: a valid HS256 token with sub and exp identifies the viewer and their memberships', async () => {
    const token = await sign({ sub: 'u-ingrid', exp: nowSeconds() + 600 });
    const res = await app.gql(VIEWER, {}, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.body.data.viewer.user).toMatchObject({ name: 'Ingrid Berg', email: 'ingrid@nordlys.example' });
    expect(res.body.data.viewer.memberships).toEqual([
      { partner: { name: 'Fjelltopp Økonomi AS', partnerCode: 'FJELL' }, rights: ['CLIENT_ADMIN', 'ARCHIVE'] },
      { partner: { name: 'Nordlys Regnskap AS', partnerCode: 'NORDLYS' }, rights: ['CLIENT_ADMIN'] },
    ]);
  });

  it('the token the CLI issues is valid for one hour by the clock', async () => {
    const token = await app.tokenFor('u-kari');
    expect((await app.gql(VIEWER, {}, { authorization: `Bearer ${token}` })).status).toBe(200);
    app.clock.advance(3601_000);
    try {
      expect(errorCode(await app.gql(VIEWER, {}, { authorization: `Bearer ${token}` }))).toBe('UNAUTHENTICATED');
    } finally {
      app.clock.advance(-3601_000);
    }
  });

  it('a token whose exp lies more than the maximum age (AUTH_JWT_MAX_AGE, default one day) ahead is UNAUTHENTICATED', async () => {
    const twoDays = await sign({ sub: 'u-kari', exp: nowSeconds() + 2 * 86400 });
    expect(errorCode(await app.gql(VIEWER, {}, bearer(twoDays)))).toBe('UNAUTHENTICATED');
    const aDay = await sign({ sub: 'u-kari', exp: nowSeconds() + 86400 });
    expect((await app.gql(VIEWER, {}, bearer(aDay))).status).toBe(200);
  });

  it('a token issued (iat) longer ago than the maximum age is UNAUTHENTICATED, even before its exp', async () => {
    const old = await sign({ sub: 'u-kari', iat: nowSeconds() - 86400 - 60, exp: nowSeconds() + 600 });
    expect(errorCode(await app.gql(VIEWER, {}, bearer(old)))).toBe('UNAUTHENTICATED');
    const recent = await sign({ sub: 'u-kari', iat: nowSeconds() - 3600, exp: nowSeconds() + 600 });
    expect((await app.gql(VIEWER, {}, bearer(recent))).status).toBe(200);
  });
});

describe('rotating the secret: AUTH_JWT_PREVIOUS_SECRET is still accepted, new tokens use AUTH_JWT_SECRET', () => {
  const current = randomBytes(32).toString('base64');
  const previous = randomBytes(32).toString('base64');
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld(), env: { AUTH_JWT_SECRET: current, AUTH_JWT_PREVIOUS_SECRET: previous } });
  });
  afterAll(() => app.close());
  const nowSeconds = () => Math.floor(app.clock.now().getTime() / 1000);

  it('a token signed with the previous secret works; one signed with an unrelated secret does not', async () => {
    const signedBefore = await sign({ sub: 'u-kari', exp: nowSeconds() + 600 }, previous);
    const res = await app.gql(VIEWER, {}, bearer(signedBefore));
    expect(res.status).toBe(200);
    expect(res.body.data.viewer.user.id).toBeTruthy();
    for (const secret of [TEST_JWT_SECRET, randomBytes(32).toString('base64')]) {
      const forged = await sign({ sub: 'u-kari', exp: nowSeconds() + 600 }, secret);
      expect(errorCode(await app.gql(VIEWER, {}, bearer(forged)))).toBe('UNAUTHENTICATED');
    }
  });

  it('the previous secret gets no pass on the other checks: expired or too long-lived is still UNAUTHENTICATED', async () => {
    for (const exp of [nowSeconds() - 1, nowSeconds() + 2 * 86400]) {
      expect(errorCode(await app.gql(VIEWER, {}, bearer(await sign({ sub: 'u-kari', exp }, previous))))).toBe('UNAUTHENTICATED');
    }
  });

  it('tokens the product issues (CLI `token`, `npm start`) are signed with the current secret', async () => {
    const token = await app.tokenFor('u-kari');
    const at = { currentDate: app.clock.now() };
    expect((await jwtVerify(token, new TextEncoder().encode(current), at)).payload.sub).toBe('u-kari');
    await expect(jwtVerify(token, new TextEncoder().encode(previous), at)).rejects.toThrow('signature verification failed');
    expect((await app.gql(VIEWER, {}, bearer(token))).status).toBe(200);
  });
});

describe('AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE: when set, tokens must carry them', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      data: smallWorld(),
      env: { AUTH_JWT_ISSUER: 'https://login.nordlys.example', AUTH_JWT_AUDIENCE: 'klient-admin', AUTH_JWT_MAX_AGE: '600' },
    });
  });
  afterAll(() => app.close());
  const nowSeconds = () => Math.floor(app.clock.now().getTime() / 1000);

  it('a token without iss/aud, or with the wrong ones, is UNAUTHENTICATED; with both right it works', async () => {
    const exp = nowSeconds() + 300;
    const refused: Claims[] = [
      { sub: 'u-kari', exp },
      { sub: 'u-kari', exp, iss: 'https://login.nordlys.example' },
      { sub: 'u-kari', exp, aud: 'klient-admin' },
      { sub: 'u-kari', exp, iss: 'https://evil.example', aud: 'klient-admin' },
      { sub: 'u-kari', exp, iss: 'https://login.nordlys.example', aud: 'another-service' },
    ];
    for (const claims of refused) {
      const res = await app.gql(VIEWER, {}, bearer(await sign(claims)));
      expect([JSON.stringify(claims), errorCode(res)]).toEqual([JSON.stringify(claims), 'UNAUTHENTICATED']);
    }
    const right = await sign({ sub: 'u-kari', exp, iss: 'https://login.nordlys.example', aud: 'klient-admin' });
    expect((await app.gql(VIEWER, {}, bearer(right))).status).toBe(200);
  });

  it('a configured maximum age (600 s) refuses a one-hour token', async () => {
    const hour = await sign({ sub: 'u-kari', exp: nowSeconds() + 3600, iss: 'https://login.nordlys.example', aud: 'klient-admin' });
    expect(errorCode(await app.gql(VIEWER, {}, bearer(hour)))).toBe('UNAUTHENTICATED');
  });

  it('tokens the product issues carry iss and aud and live no longer than the maximum age, so they pass', async () => {
    const token = await app.tokenFor('u-kari');
    expect(decodeJwt(token)).toMatchObject({ sub: 'u-kari', iss: 'https://login.nordlys.example', aud: 'klient-admin', exp: nowSeconds() + 600 });
    expect((await app.gql(VIEWER, {}, bearer(token))).status).toBe(200);
  });
});
