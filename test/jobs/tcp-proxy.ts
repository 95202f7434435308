import net from 'node:net';

/**
 * A TCP proxy in front of MySQL that a test can take down: `down()` cuts every open connection and refuses new ones
 * (connections are accepted and closed at once), `up()` lets them through again. To the process behind it, MySQL is
 * unreachable — the server itself keeps running for everyone else.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private isUp = true;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async listen(): Promise<number> {
    this.server = net.createServer((client) => {
      if (!this.isUp) {
        client.destroy();
        return;
      }
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server!.address() as net.AddressInfo).port;
    return this.port;
  }

  down(): void {
    this.isUp = false;
    for (const s of this.sockets) s.destroy();
  }

  up(): void {
    this.isUp = true;
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
