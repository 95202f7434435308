import { randomBytes } from 'node:crypto';
import type mysql from 'mysql2/promise';

export interface StatementCounts {
  /** SELECT statements. */
  select: number;
  /** INSERT / UPDATE / DELETE / REPLACE. */
  update: number;
  /** Everything else (BEGIN, COMMIT, SET, ...). */
  other: number;
  total: number;
  /** Rows the server read to answer them (index and table rows examined). */
  rowsRead: number;
  rowsSent: number;
}

/**
 * Counts the statements one MariaDB account sends, as the server sees them (information_schema.USER_STATISTICS): an
 * independent measurement of what a product process does, untouched by other databases' traffic on a shared server.
 * The product process connects as a user created for the run; `userstat` is switched on for the run and restored.
 */
export class CountedUser {
  private restoreUserstat = false;

  private constructor(
    private readonly root: mysql.Pool,
    readonly user: string,
    readonly password: string,
  ) {}

  static async create(root: mysql.Pool, database: string): Promise<CountedUser> {
    const user = `ka_bench_${process.pid}`;
    const password = randomBytes(12).toString('hex');
    const counted = new CountedUser(root, user, password);
    await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await root.query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${user}'@'%'`);
    const [[row]] = await root.query<mysql.RowDataPacket[]>('SELECT @@global.userstat AS on_');
    if (Number(row.on_) !== 1) {
      await root.query('SET GLOBAL userstat = 1');
      counted.restoreUserstat = true;
    }
    return counted;
  }

  async read(): Promise<StatementCounts> {
    const [rows] = await this.root.query<mysql.RowDataPacket[]>(
      'SELECT SELECT_COMMANDS s, UPDATE_COMMANDS u, OTHER_COMMANDS o, ROWS_READ rr, ROWS_SENT rs FROM information_schema.USER_STATISTICS WHERE USER = ?',
      [this.user],
    );
    const r = rows[0] ?? { s: 0, u: 0, o: 0, rr: 0, rs: 0 };
    const select = Number(r.s);
    const update = Number(r.u);
    const other = Number(r.o);
    return { select, update, other, total: select + update + other, rowsRead: Number(r.rr), rowsSent: Number(r.rs) };
  }

  /**
   * The counts once they stop moving. USER_STATISTICS is updated when a statement finishes; with several statements
   * sent in one round trip the last one's count can land just after its result reached the client, so this reads until
   * two reads a moment apart agree.
   */
  private async settled(): Promise<StatementCounts> {
    let counts = await this.read();
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const again = await this.read();
      if (again.total === counts.total && again.rowsRead === counts.rowsRead) break;
      counts = again;
    }
    return counts;
  }

  /** The statements sent while `work` ran, divided by `per`. */
  async during(work: () => Promise<void>, per = 1): Promise<StatementCounts> {
    const before = await this.settled();
    await work();
    const after = await this.settled();
    const per1 = (a: number, b: number) => Math.round(((a - b) / per) * 100) / 100;
    return {
      select: per1(after.select, before.select),
      update: per1(after.update, before.update),
      other: per1(after.other, before.other),
      total: per1(after.total, before.total),
      rowsRead: per1(after.rowsRead, before.rowsRead),
      rowsSent: per1(after.rowsSent, before.rowsSent),
    };
  }

  async drop(): Promise<void> {
    await this.root.query(`DROP USER IF EXISTS '${this.user}'@'%'`).catch(() => undefined);
    if (this.restoreUserstat) await this.root.query('SET GLOBAL userstat = 0').catch(() => undefined);
  }
}
