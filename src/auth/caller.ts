import type { Actor } from '../audit/audit.service';
import type { Viewer } from './viewer';

/** Who calls a service: the viewer (for rights) and the actor (for the audit log). */
export interface Caller {
  viewer: Viewer;
  actor: Actor;
}
