import { SignJWT } from 'jose';
import { smallWorld } from '../support/fixtures';
import { errorCode, startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';

const VIEWER = '{ viewer { user { id name email } memberships { partner { name partnerCode } rights } } }';

async function sign(claims: { sub?: string; exp?: number }, secret = TEST_JWT_SECRET): Promise<string> {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' });
  if (claims.sub) jwt = jwt.setSubject(claims.sub);
  if (claims.exp) jwt = jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(secret));
}

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
});
