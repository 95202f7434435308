import DataLoader from 'dataloader';
import { ClientView, isVisible, PRESENT } from '../access/visibility.service';
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

  /** How the viewer sees each client (DESIGN A6), batched per request: a page of clients costs the same statements as one. */
  private readonly clientViews = new DataLoader<Client, ClientView, string>(
    async (clients) => {
      const views = await this.services.visibility.clientViews(this.runtime.dataSource.manager, this.viewer, [...clients], this.today());
      return clients.map((c) => views.get(c.id)!);
    },
    { cacheKeyFn: (client) => client.id },
  );

  /**
   * How the viewer sees the client: present or through the archive only (DESIGN A6). Decided without a statement for
   * a member of the client's linked partner — every client of an ACTIVE list — and batched otherwise.
   */
  clientView(client: Client): ClientView | Promise<ClientView> {
    return client.partnerId && this.viewer.isMemberOf(client.partnerId) ? PRESENT : this.clientViews.load(client);
  }

  /** Whether the viewer may see a client, batched per request (a list of notifications names many clients). */
  readonly canSeeClient = new DataLoader<string, boolean>(async (ids) => {
    const clients = await this.loaders.clients.loadMany(ids);
    return Promise.all(clients.map(async (c) => c !== null && !(c instanceof Error) && isVisible(await this.clientView(c))));
  });

  /** Who acts, for the audit log (DESIGN A4). */
  get actor() {
    return { userId: this.viewer.userId, requestId: this.requestId, apiKeyId: this.viewer.apiKey?.id ?? null };
  }
}
