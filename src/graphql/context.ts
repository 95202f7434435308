import DataLoader from 'dataloader';
import type { Viewer } from '../auth/viewer';
import type { Client } from '../clients/client.entity';
import { osloToday } from '../common/clock';
import type { Logger } from '../common/logger';
import type { Runtime } from '../runtime';
import { Loaders } from './loaders';

/** What every resolver gets: who asks, under which request id, and the product's services. */
export class RequestContext {
  readonly loaders: Loaders;

  constructor(
    readonly runtime: Runtime,
    readonly viewer: Viewer,
    readonly requestId: string,
    readonly logger: Logger,
  ) {
    this.loaders = new Loaders(runtime.dataSource);
  }

  get services() {
    return this.runtime.services;
  }

  private todayOnce: string | undefined;

  /**
   * Today's Europe/Oslo date from the injected clock (DESIGN S7), read once per request: one request sees one date,
   * and a page of clients does not pay for a time-zone conversion per access.
   */
  today(): string {
    return (this.todayOnce ??= osloToday(this.runtime.clock));
  }

  /** Whether the viewer may see a client, batched per request (a list of notifications names many clients). */
  readonly canSeeClient = new DataLoader<string, boolean>(async (ids) => {
    const clients = (await this.loaders.clients.loadMany(ids)).filter((c): c is Client => c !== null && !(c instanceof Error));
    const visible = await this.services.visibility.visibleClientIds(this.viewer, clients, this.today());
    return ids.map((id) => visible.has(id));
  });

  /** Who acts, for the audit log (DESIGN A4). */
  get actor() {
    return { userId: this.viewer.userId, requestId: this.requestId };
  }
}
