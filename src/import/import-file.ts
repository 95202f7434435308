import { isValidDate } from '../common/calendar';
import { ClientRole } from '../clients/client-access.entity';
import { PLAIN_KEY, PLAUSIBLE_ID } from '../common/ids';
import { PARTNER_CODE } from '../partners/partner-code';
import { PartnerRight } from '../partners/partner-membership.entity';

/** The import file (contract: Import file), after its shape has been checked. */
export interface ImportFile {
  partners: ImportPartner[];
  users: ImportUser[];
  clients: ImportClient[];
}
export interface ImportPartner { id: string; name: string; partnerCode: string; organizationNumber: string | null }
export interface ImportUser { id: string; name: string; email: string; memberships: Array<{ partner: string; rights: PartnerRight[] }> }
export interface ImportAccess { user: string; roles: ClientRole[]; viaPartner: string | null }
export interface ImportExtension { key: string; name: string; ownerPartner: string | null }
export interface ImportClient {
  id: string;
  name: string;
  organizationNumber: string;
  partner: string | null;
  partnerSince: string | null;
  fiscalYearStartMonth: number;
  /** Years the archive is kept (at least 5); null: as it is (5 for a new client). */
  retentionYears: number | null;
  /** A legal hold that stops the archive's deletion; null: as it is (none for a new client). */
  legalHold: boolean | null;
  subscriptionAdmin: string | null;
  access: ImportAccess[];
  extensions: ImportExtension[];
  ledger: { saft: string[] } | null;
}

export interface ImportProblem {
  /** JSON path of the bad entry, e.g. $.clients[3].access[0].user */
  path: string;
  message: string;
}

export class ImportError extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(`The import file was refused; nothing was written:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ImportError';
  }
}

// Ids and references to them are compared byte for byte by the database: only the plain form is accepted, so a
// reference in another case or with a stray character is named as a problem instead of matching nothing later.
const ID = PLAUSIBLE_ID;
const ID_HINT = 'must be 1-64 letters, digits, ".", "_" or "-"';
const ORGANIZATION_NUMBER = /^\d{9}$/;

/** Checks the file's shape and its internal consistency; every problem is named by its JSON path. */
export function parseImportFile(json: unknown): ImportFile {
  const problems: ImportProblem[] = [];
  const fail = (path: string, message: string) => problems.push({ path, message });

  const obj = (value: unknown, path: string): Record<string, unknown> | null => {
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    fail(path, 'must be an object');
    return null;
  };
  const list = (value: unknown, path: string): unknown[] => {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    fail(path, 'must be an array');
    return [];
  };
  const text = (o: Record<string, unknown>, key: string, path: string, max: number, pattern?: RegExp, hint?: string): string => {
    const value = o[key];
    if (typeof value !== 'string' || value.trim() === '') fail(`${path}.${key}`, 'is required (a non-empty string)');
    else if (value.length > max) fail(`${path}.${key}`, `is longer than ${max} characters`);
    else if (pattern && !pattern.test(value)) fail(`${path}.${key}`, hint ?? 'has the wrong format');
    else return value;
    return '';
  };
  const optionalText = (o: Record<string, unknown>, key: string, path: string, max: number, pattern?: RegExp, hint?: string) =>
    o[key] === undefined || o[key] === null ? null : text(o, key, path, max, pattern, hint);
  const subset = <T extends string>(value: unknown, allowed: T[], path: string): T[] => {
    const items = list(value, path);
    items.forEach((item, i) => {
      if (!allowed.includes(item as T)) fail(`${path}[${i}]`, `must be one of ${allowed.join(', ')}`);
    });
    return [...new Set(items as T[])];
  };
  const unique = (values: Array<{ value: string; path: string }>, what: string) => {
    const seen = new Map<string, string>();
    for (const { value, path } of values) {
      if (!value) continue;
      const first = seen.get(value);
      if (first) fail(path, `duplicate ${what} "${value}" (first at ${first})`);
      else seen.set(value, path);
    }
  };

  const root = obj(json, '$');
  if (!root) throw new ImportError(problems);
  for (const key of Object.keys(root)) if (!['partners', 'users', 'clients'].includes(key)) fail(`$.${key}`, 'is not a known section');

  const partners = list(root.partners, '$.partners').flatMap((value, i): ImportPartner[] => {
    const path = `$.partners[${i}]`;
    const o = obj(value, path);
    if (!o) return [];
    return [{
      id: text(o, 'id', path, 64, ID, ID_HINT),
      name: text(o, 'name', path, 200),
      partnerCode: text(o, 'partnerCode', path, 32, PARTNER_CODE, 'must be letters, digits, "_" or "-"'),
      organizationNumber: optionalText(o, 'organizationNumber', path, 9, ORGANIZATION_NUMBER, 'must be 9 digits'),
    }];
  });

  const users = list(root.users, '$.users').flatMap((value, i): ImportUser[] => {
    const path = `$.users[${i}]`;
    const o = obj(value, path);
    if (!o) return [];
    return [{
      id: text(o, 'id', path, 64, ID, ID_HINT),
      name: text(o, 'name', path, 200),
      email: text(o, 'email', path, 254, /^[^\s@]+@[^\s@]+$/, 'must be an e-mail address'),
      memberships: list(o.memberships, `${path}.memberships`).flatMap((m, j) => {
        const mp = `${path}.memberships[${j}]`;
        const mo = obj(m, mp);
        if (!mo) return [];
        return [{ partner: text(mo, 'partner', mp, 64, ID, ID_HINT), rights: subset(mo.rights, Object.values(PartnerRight), `${mp}.rights`) }];
      }),
    }];
  });

  const clients = list(root.clients, '$.clients').flatMap((value, i): ImportClient[] => {
    const path = `$.clients[${i}]`;
    const o = obj(value, path);
    if (!o) return [];
    const fiscal = o.fiscalYearStartMonth ?? 1;
    if (!Number.isInteger(fiscal) || (fiscal as number) < 1 || (fiscal as number) > 12) fail(`${path}.fiscalYearStartMonth`, 'must be a month 1-12');
    const retentionYears = o.retentionYears ?? null;
    if (retentionYears !== null && (!Number.isInteger(retentionYears) || (retentionYears as number) < 5 || (retentionYears as number) > 100)) {
      fail(`${path}.retentionYears`, 'must be a number of years from 5 to 100');
    }
    const legalHold = o.legalHold ?? null;
    if (legalHold !== null && typeof legalHold !== 'boolean') fail(`${path}.legalHold`, 'must be true or false');
    const partnerSince = optionalText(o, 'partnerSince', path, 10);
    if (partnerSince && !isValidDate(partnerSince)) fail(`${path}.partnerSince`, 'must be a date YYYY-MM-DD');
    const partner = optionalText(o, 'partner', path, 64, ID, ID_HINT);
    if (partnerSince && !partner) fail(`${path}.partnerSince`, 'is only allowed with a partner');
    let ledger: ImportClient['ledger'] = null;
    if (o.ledger !== undefined && o.ledger !== null) {
      const lo = obj(o.ledger, `${path}.ledger`);
      if (lo) {
        const files = list(lo.saft, `${path}.ledger.saft`);
        files.forEach((f, j) => {
          if (typeof f !== 'string' || f === '') fail(`${path}.ledger.saft[${j}]`, 'must be a file path');
        });
        ledger = { saft: files as string[] };
      }
    }
    return [{
      id: text(o, 'id', path, 64, ID, ID_HINT),
      name: text(o, 'name', path, 200),
      organizationNumber: text(o, 'organizationNumber', path, 9, ORGANIZATION_NUMBER, 'must be 9 digits'),
      partner,
      partnerSince,
      fiscalYearStartMonth: fiscal as number,
      retentionYears: retentionYears as number | null,
      legalHold: legalHold as boolean | null,
      subscriptionAdmin: optionalText(o, 'subscriptionAdmin', path, 64, ID, ID_HINT),
      access: list(o.access, `${path}.access`).flatMap((a, j) => {
        const ap = `${path}.access[${j}]`;
        const ao = obj(a, ap);
        if (!ao) return [];
        return [{ user: text(ao, 'user', ap, 64, ID, ID_HINT), roles: subset(ao.roles, Object.values(ClientRole), `${ap}.roles`), viaPartner: optionalText(ao, 'viaPartner', ap, 64, ID, ID_HINT) }];
      }),
      extensions: list(o.extensions, `${path}.extensions`).flatMap((e, j) => {
        const ep = `${path}.extensions[${j}]`;
        const eo = obj(e, ep);
        if (!eo) return [];
        return [{
          key: text(eo, 'key', ep, 64, PLAIN_KEY, 'must have no control characters and no spaces at either end'),
          name: text(eo, 'name', ep, 200),
          ownerPartner: optionalText(eo, 'ownerPartner', ep, 64, ID, ID_HINT),
        }];
      }),
      ledger,
    }];
  });

  unique(partners.map((p, i) => ({ value: p.id, path: `$.partners[${i}].id` })), 'partner id');
  unique(partners.map((p, i) => ({ value: p.partnerCode.toUpperCase(), path: `$.partners[${i}].partnerCode` })), 'partner code');
  unique(users.map((u, i) => ({ value: u.id, path: `$.users[${i}].id` })), 'user id');
  unique(clients.map((c, i) => ({ value: c.id, path: `$.clients[${i}].id` })), 'client id');
  unique(clients.map((c, i) => ({ value: c.organizationNumber, path: `$.clients[${i}].organizationNumber` })), 'organization number');
  users.forEach((u, i) => unique(u.memberships.map((m, j) => ({ value: m.partner, path: `$.users[${i}].memberships[${j}].partner` })), 'membership'));
  clients.forEach((c, i) => {
    unique(c.access.map((a, j) => ({ value: a.user, path: `$.clients[${i}].access[${j}].user` })), 'access for user');
    unique(c.extensions.map((e, j) => ({ value: e.key, path: `$.clients[${i}].extensions[${j}].key` })), 'extension key');
    if (c.subscriptionAdmin && !c.access.some((a) => a.user === c.subscriptionAdmin)) {
      problems.push({ path: `$.clients[${i}].subscriptionAdmin`, message: `user "${c.subscriptionAdmin}" has no access to this client` });
    }
  });

  if (problems.length > 0) throw new ImportError(problems);
  return { partners, users, clients };
}
