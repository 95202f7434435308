import { Field, ObjectType } from 'type-graphql';
import { NodeInterface } from '../graphql/node';

@ObjectType('User', { simpleResolvers: true, implements: NodeInterface, description: 'A person who signs in.' })
export class UserType extends NodeInterface {
  @Field({ description: 'Full name.' })
  name!: string;

  @Field({ description: 'E-mail address; notices are sent here.' })
  email!: string;
}
