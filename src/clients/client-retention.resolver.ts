import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../graphql/context';
import { runMutation } from '../graphql/run-mutation';
import { UpdateClientRetentionInput, UpdateClientRetentionPayload } from './client-retention.types';

/** Setting a client's retention and legal hold; the rules live in `ClientRetentionService`. */
@Resolver()
export class ClientRetentionMutations {
  @Mutation(() => UpdateClientRetentionPayload, {
    description: "Sets how long a client's archive is kept, and a legal hold that stops deletion. For the client's own administrators and CLIENT_ADMIN users of its partner.",
  })
  async updateClientRetention(@Arg('input', () => UpdateClientRetentionInput, { description: 'What to change; see the input type.' }) input: UpdateClientRetentionInput, @Ctx() ctx: RequestContext) {
    const result = await runMutation(ctx, (uow) => ctx.services.retention.update(uow, { viewer: ctx.viewer, actor: ctx.actor }, input));
    if (result.client) ctx.loaders.clients.clear(result.client.id).prime(result.client.id, result.client);
    return result;
  }
}
