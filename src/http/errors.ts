import type { NextFunction, Request, Response } from 'express';

/** What a failed HTTP request is called, by status, when it never reached a route of ours. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Messages for what the body parser refuses; never the body itself. */
const MESSAGE_BY_TYPE: Record<string, string> = {
  'entity.too.large': 'The request body is larger than the server accepts.',
  'entity.parse.failed': 'The request body is not valid JSON.',
  'entity.verify.failed': 'The request body could not be verified.',
  'encoding.unsupported': 'The request body has a content encoding the server does not accept (identity, gzip, deflate or br).',
  'charset.unsupported': 'The request body has a character set the server does not accept (UTF-8).',
  'request.aborted': 'The request was aborted before its body arrived.',
  'request.size.invalid': 'The request body is not as long as Content-Length says.',
  'stream.encoding.set': 'The request body could not be read.',
};

/** A JSON error in the shape of the route: GraphQL's `errors` list on /graphql, `{ error, message }` elsewhere. */
export function sendJsonError(req: Request, res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.status(status);
  if (req.path === '/graphql' || req.originalUrl.startsWith('/graphql')) res.json({ errors: [{ message, extensions: { code } }] });
  else res.json({ error: code, message });
}

/** The last route: anything not served above is a JSON 404 (Express's own is an HTML page). */
export function notFoundRoute(req: Request, res: Response): void {
  sendJsonError(req, res, 404, 'NOT_FOUND', 'No such route.');
}

/**
 * The error handler: every failure becomes a JSON error with a code and a message that repeats nothing of the request;
 * a client's mistake (4xx) is logged at info, anything else at error with its stack, through the JSON logger only
 * (Express's own handler writes stack traces to stderr).
 */
export function jsonErrorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const e = error as { status?: number; statusCode?: number; type?: string; expose?: boolean };
  const status = e.status ?? e.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    req.log?.info({ status, type: e.type }, 'request refused');
    sendJsonError(req, res, status, CODE_BY_STATUS[status] ?? 'BAD_REQUEST', (e.type && MESSAGE_BY_TYPE[e.type]) ?? 'The request is malformed.');
    return;
  }
  req.log?.error({ err: error }, 'request failed');
  sendJsonError(req, res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
}
