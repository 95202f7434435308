import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root, ID } from 'type-graphql';
import { isAccessActive } from '../access/access-rules';
import { toGlobalId } from '../common/global-id';
import { PageArgs, pageRequest, toConnection } from '../graphql/connection';
import type { RequestContext } from '../graphql/context';
import type { Partner } from '../partners/partner.entity';
import type { User } from '../users/user.entity';
import type { ClientAccess } from './client-access.entity';
import type { ClientExtension } from './client-extension.entity';
import type { Client } from './client.entity';
import type { ClientView } from '../access/visibility.service';
import { asItWas } from './client-view';
import { ClientConnection, ClientExtensionType, ClientFilterInput, ClientType, ClientUserType } from './client.types';

@Resolver(() => ClientType)
export class ClientResolver {
  @Query(() => ClientConnection, {
    description: "Clients of the viewer's partners. tab ACTIVE: linked now; tab ARCHIVE: relationship ended (needs ARCHIVE).",
  })
  async clients(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) paging: PageArgs,
    @Arg('filter', () => ClientFilterInput, { nullable: true, description: 'Which clients: the tab, a search, one partner.' }) filter?: ClientFilterInput | null,
  ) {
    const page = await ctx.services.clients.list(ctx.viewer, filter ?? {}, pageRequest(paging), ctx.today());
    ctx.loaders.primeClients(page.items);
    return toConnection(page);
  }

  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() client: Client): string {
    return toGlobalId('Client', client.id);
  }

  // DESIGN A6: a viewer who sees the client only through the archive of an ended relationship sees what that
  // relationship owns — the name and organization number as they were, its period, tasks, documents and audit events —
  // and nothing of the client's present: no partner, subscription administrator, users or extensions.

  @FieldResolver()
  name(@Root() client: Client, @Ctx() ctx: RequestContext): string | Promise<string> {
    return map(ctx.clientView(client), (view) => (view.kind === 'present' ? client.name : asItWas(client, view).name));
  }

  @FieldResolver()
  organizationNumber(@Root() client: Client, @Ctx() ctx: RequestContext): string | Promise<string> {
    return map(ctx.clientView(client), (view) => (view.kind === 'present' ? client.organizationNumber : asItWas(client, view).organizationNumber));
  }

  // The fields below answer without an async function of their own: a page's view of its clients is known without a
  // statement (an ACTIVE list's viewer is a member of each client's partner), and each async resolver call per
  // client and field cost promises the page does not need.

  @FieldResolver()
  partnerCode(@Root() client: Client, @Ctx() ctx: RequestContext): string | null | Promise<string | null> {
    const partnerId = client.partnerId;
    if (!partnerId) return null;
    return whenPresent(ctx.clientView(client), null, () => ctx.loaders.partners.load(partnerId).then((partner) => partner?.partnerCode ?? null));
  }

  @FieldResolver()
  partner(@Root() client: Client, @Ctx() ctx: RequestContext): Partner | null | Promise<Partner | null> {
    const partnerId = client.partnerId;
    if (!partnerId) return null;
    return whenPresent(ctx.clientView(client), null, () => ctx.loaders.partners.load(partnerId));
  }

  @FieldResolver()
  partnerSince(@Root() client: Client, @Ctx() ctx: RequestContext): string | null | Promise<string | null> {
    return client.partnerSince === null ? null : map(ctx.clientView(client), (view) => (view.kind === 'present' ? client.partnerSince : null));
  }

  @FieldResolver()
  subscriptionAdmin(@Root() client: Client, @Ctx() ctx: RequestContext): User | null | Promise<User | null> {
    const holder = client.subscriptionAdminUserId;
    if (!holder) return null;
    return whenPresent(ctx.clientView(client), null, () => ctx.loaders.users.load(holder));
  }

  @FieldResolver()
  users(@Root() client: Client, @Ctx() ctx: RequestContext): ClientAccess[] | Promise<ClientAccess[]> {
    return whenPresent(ctx.clientView(client), [], () =>
      ctx.loaders.accessesByClient.load(client.id).then((accesses) => {
        // Each ClientUser needs its client's subscription administrator: hand it over instead of loading it per access.
        for (const access of accesses) access.client = client;
        return accesses;
      }),
    );
  }

  @FieldResolver()
  extensions(@Root() client: Client, @Ctx() ctx: RequestContext): ClientExtension[] | Promise<ClientExtension[]> {
    return whenPresent(ctx.clientView(client), [], () => ctx.loaders.extensionsByClient.load(client.id));
  }
}

/** A value now, or once a promise settles: fields of a page's many accesses resolve without a promise when they can. */
function map<T, R>(value: T | Promise<T>, f: (v: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** `present()` when the viewer sees the client's present (A6), `otherwise` when only through the archive. */
function whenPresent<R, O>(view: ClientView | Promise<ClientView>, otherwise: O, present: () => R | Promise<R>): O | R | Promise<O | R> {
  if (view instanceof Promise) return view.then((v) => (v.kind === 'present' ? present() : otherwise));
  return view.kind === 'present' ? present() : otherwise;
}

/** The client's subscription administrator: from the client the access was listed with, else through the loader. */
function holderOf(access: ClientAccess, ctx: RequestContext): string | null | Promise<string | null> {
  if (access.client) return access.client.subscriptionAdminUserId;
  return ctx.loaders.clients.load(access.clientId).then((client) => client?.subscriptionAdminUserId ?? null);
}

@Resolver(() => ClientUserType)
export class ClientUserResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id: one user\'s access to one client.' })
  id(@Root() access: ClientAccess): string {
    return toGlobalId('ClientUser', access.id);
  }

  @FieldResolver()
  user(@Root() access: ClientAccess, @Ctx() ctx: RequestContext): Promise<User> {
    return ctx.loaders.users.load(access.userId) as Promise<User>;
  }

  @FieldResolver()
  isSubscriptionAdmin(@Root() access: ClientAccess, @Ctx() ctx: RequestContext): boolean | Promise<boolean> {
    return map(holderOf(access, ctx), (holder) => holder === access.userId);
  }

  @FieldResolver()
  viaPartner(@Root() access: ClientAccess, @Ctx() ctx: RequestContext): Promise<Partner | null> | null {
    return access.viaPartnerId ? ctx.loaders.partners.load(access.viaPartnerId) : null;
  }

  @FieldResolver()
  active(@Root() access: ClientAccess, @Ctx() ctx: RequestContext): boolean | Promise<boolean> {
    return map(holderOf(access, ctx), (holder) => isAccessActive(access, holder, ctx.today()));
  }

  @FieldResolver()
  keptForSubscriptionRole(@Root() access: ClientAccess, @Ctx() ctx: RequestContext): boolean | Promise<boolean> {
    const today = ctx.today();
    const dateHasCome = access.deactivationDate !== null && access.deactivationDate <= today && !access.deactivatedAt;
    return dateHasCome && map(holderOf(access, ctx), (holder) => isAccessActive(access, holder, today));
  }
}

@Resolver(() => ClientExtensionType)
export class ClientExtensionResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() extension: ClientExtension): string {
    return toGlobalId('ClientExtension', extension.id);
  }

  @FieldResolver()
  ownerPartner(@Root() extension: ClientExtension, @Ctx() ctx: RequestContext): Promise<Partner | null> | null {
    return extension.ownerPartnerId ? ctx.loaders.partners.load(extension.ownerPartnerId) : null;
  }
}
