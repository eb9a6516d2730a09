import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';

const ANSWERS: Record<string, { status: number; title: string; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, title: 'Request Header Fields Too Large', code: 'HEADERS_TOO_LARGE', detail: 'The request headers exceed the server limit (16 KiB in all)' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, title: 'Request Timeout', code: 'REQUEST_TIMEOUT', detail: 'The request was not received in time' },
};
const MALFORMED = { status: 400, title: 'Bad Request', code: 'MALFORMED_REQUEST', detail: 'The request is not valid HTTP' };

/**
 * Answers requests Node refuses before any middleware sees them (headers over the limit, a
 * broken request line) with a problem+json body instead of Node's bodyless default, where the
 * socket can still take an answer; then closes the connection.
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const answer = ANSWERS[error.code ?? ''] ?? MALFORMED;
    const requestId = `req_${randomBytes(10).toString('hex')}`;
    const body = JSON.stringify({
      type: `urn:galera-cp:problem:${answer.code.toLowerCase().replace(/_/g, '-')}`,
      title: answer.title,
      status: answer.status,
      detail: answer.detail,
      instance: '',
      code: answer.code,
      requestId,
    });
    socket.end(
      `HTTP/1.1 ${answer.status} ${answer.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
