import { Column, Entity, EntityManager, PrimaryColumn } from 'typeorm';

/** Which key a row of `installation_keys` holds. */
export enum InstallationKeyKind {
  /** Encrypts the opaque global ids (src/common/global-id.ts). */
  GLOBAL_IDS = 1,
  /** Hashes API key secrets and seals webhook signing secrets (src/integrations/). */
  INTEGRATIONS = 2,
}

/** A key the installation made for itself at random when its database was created (migration InstallationKeys1765000000000). */
@Entity('installation_keys')
export class InstallationKey {
  @PrimaryColumn({ type: 'tinyint', unsigned: true })
  id!: InstallationKeyKind;

  @Column({ type: 'varbinary', length: 64 })
  secret!: Buffer;
}

/** The installation's key of this kind; the migration made it, so a database without it was not migrated. */
export async function installationKey(manager: EntityManager, kind: InstallationKeyKind): Promise<Buffer> {
  const row = await manager.getRepository(InstallationKey).findOneBy({ id: kind });
  if (!row) throw new Error(`The database has no installation key ${InstallationKeyKind[kind]}: run the migrations.`);
  return row.secret;
}
