import { PassThrough, type Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Settings } from '../config/config';
import { archiveKeySegments, measuringStream, type ArchiveStorage, type PendingFile, type PresignedGet, type PresignedPut } from './archive-storage';

/** Multipart part size: S3's minimum, 5 MiB; one part sent while the next fills keeps memory flat at ~10 MiB per file. */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 1;

/** An S3 client from the settings; the credentials stay inside it (never logged). */
export function s3ClientOf(settings: S3Settings): S3Client {
  const options: S3ClientConfig = {
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    // Checksums only where the operation needs them: S3-compatible stores do not all know the SDK's default CRC32.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  if (settings.endpoint) options.endpoint = settings.endpoint;
  if (settings.accessKeyId && settings.secretAccessKey) options.credentials = { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey };
  const client = new S3Client(options);
  // The storage hashes every byte it writes (SHA-256, recorded) and the fixity check re-reads it; a second SHA-256 of
  // each part for the request signature (what SigV4 does over plain http) would cost the generation a core's worth of
  // hashing. So bodies are sent as UNSIGNED-PAYLOAD (the headers stay signed), as the SDK itself does over https.
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method?: string; body?: unknown; headers?: Record<string, string> };
      if (request.method === 'PUT' && request.body != null && request.headers) request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    },
    { step: 'build', name: 'klientadminUnsignedPayload' },
  );
  return client;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Archive files in S3-compatible object storage (DESIGN S10): AWS S3, MinIO, Ceph, R2. A file is streamed to its final
 * key by `@aws-sdk/lib-storage` (one PUT for a small file, a multipart upload for a large one): S3 shows an object only
 * when its PUT or its multipart completion succeeds, so the key holds the whole file or the previous one, never half of
 * it; a discarded file aborts the upload and leaves nothing.
 */
export class S3ObjectStorage implements ArchiveStorage {
  readonly client: S3Client;

  constructor(
    readonly settings: S3Settings,
    client?: S3Client,
  ) {
    this.client = client ?? s3ClientOf(settings);
  }

  get description(): string {
    return `s3://${this.settings.bucket}/${this.settings.prefix}${this.settings.endpoint ? ` at ${this.settings.endpoint}` : ''}`;
  }

  private keyOf(key: string): string {
    return this.settings.prefix + archiveKeySegments(key).join('/');
  }

  async create(key: string): Promise<PendingFile> {
    const objectKey = this.keyOf(key);
    const { stream: counter, measured } = measuringStream();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: objectKey, Body: counter },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    const done = upload.done();
    done.catch(() => undefined);
    let settled = false;
    const discard = async () => {
      if (settled) return;
      settled = true;
      counter.destroy(new Error('discarded'));
      await upload.abort().catch(() => undefined);
      await done.catch(() => undefined);
    };
    return {
      stream: counter,
      async commit() {
        if (settled) throw new Error('the file was already committed or discarded');
        try {
          if (!counter.writableEnded) counter.end();
          await done;
          settled = true;
          return measured();
        } catch (error) {
          await discard();
          throw error;
        }
      },
      discard,
    };
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(key) }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    const out = new PassThrough();
    const objectKey = this.keyOf(key);
    this.client
      .send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: objectKey, Range: range ? `bytes=${range.start}-${range.end}` : undefined }))
      .then(
        (answer) => {
          const body = answer.Body as Readable;
          if (out.destroyed) return void body.destroy();
          body.on('error', (error) => out.destroy(error));
          out.on('close', () => body.destroy());
          body.pipe(out);
        },
        (error) => {
          if (isNotFound(error)) out.destroy(Object.assign(new Error(`no such archive file: ${key}`), { code: 'ENOENT' }));
          else out.destroy(error);
        },
      );
    return out;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(key) }));
  }

  async list(prefix: string): Promise<string[]> {
    if (!prefix.endsWith('/')) throw new Error(`not a folder prefix: ${JSON.stringify(prefix)}`);
    const full = `${this.keyOf(prefix.slice(0, -1))}/`;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: full, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(this.settings.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async copyWithin(fromKey: string, toKey: string): Promise<void> {
    const source = this.keyOf(fromKey).split('/').map(encodeURIComponent).join('/');
    await this.client.send(new CopyObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(toKey), CopySource: `${this.settings.bucket}/${source}` }));
  }

  async presignGet(key: string, options: PresignedGet): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.keyOf(key),
      ResponseContentDisposition: options.contentDisposition,
      ResponseContentType: options.contentType,
      ResponseCacheControl: 'private, no-store',
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  async presignPut(key: string, options: PresignedPut): Promise<{ url: string; headers: Record<string, string> }> {
    const checksum = Buffer.from(options.sha256, 'hex').toString('base64');
    const command = new PutObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.keyOf(key),
      ContentLength: options.byteSize,
      ContentType: options.contentType,
      ChecksumSHA256: checksum,
    });
    // The checksum stays a signed header (not a query parameter), so a store that checks it refuses other bytes.
    const url = await getSignedUrl(this.client, command, {
      expiresIn: options.expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length', 'x-amz-checksum-sha256']),
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    });
    return { url, headers: { 'Content-Type': options.contentType, 'x-amz-checksum-sha256': checksum } };
  }

  /** Start-up check: the bucket exists and the credentials may use it. */
  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
  }

  close(): void {
    this.client.destroy();
  }
}
