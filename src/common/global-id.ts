import { isPlausibleId } from './ids';

/** Opaque global ids (contract: IDs are opaque strings): base64url of "Type:localId". */

export type NodeType = 'Client' | 'Partner' | 'User' | 'CustomerRelationship' | 'ArchiveDocument' | 'Notification' | 'AuditEvent';

export function toGlobalId(type: NodeType, localId: string): string {
  return Buffer.from(`${type}:${localId}`, 'utf8').toString('base64url');
}

/**
 * The type and local id inside a global id, or null when it is not one of ours. A local id that no import or row
 * could have (a control character, a space, other than ASCII) names nothing, whatever the database would match.
 */
export function parseGlobalId(globalId: string): { type: NodeType; id: string } | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(globalId)) return null;
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) return null;
  const type = text.slice(0, colon) as NodeType;
  const id = text.slice(colon + 1);
  if (!isPlausibleId(id) || toGlobalId(type, id) !== globalId) return null;
  return { type, id };
}

/** The local id when the global id names an object of the expected type; null otherwise. */
export function localIdOf(globalId: string, expected: NodeType): string | null {
  const parsed = parseGlobalId(globalId);
  return parsed && parsed.type === expected ? parsed.id : null;
}
