import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface DocumentedRoute {
  method: string;
  template: string;
  pattern: RegExp;
  /** Codes documented per status. */
  codes: Map<string, Set<string>>;
}

type ProblemResponses = Record<string, { content?: Record<string, { schema?: { allOf?: { properties?: { code?: { enum?: string[] } } }[] } }> }>;

/** The paths of an OpenAPI document, as far as this check reads them. */
export interface DocumentPaths {
  paths: Record<string, Record<string, { responses?: ProblemResponses }>>;
}

/** The committed OpenAPI document (test/openapi-drift.spec.ts keeps it equal to the code's). */
export function committedDocument(): DocumentPaths {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8')) as DocumentPaths;
}

function documentedRoutes(document: DocumentPaths): DocumentedRoute[] {
  const routes: DocumentedRoute[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, operation] of Object.entries(item)) {
      const codes = new Map<string, Set<string>>();
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const enumOf = response.content?.['application/problem+json']?.schema?.allOf?.[1]?.properties?.code?.enum;
        if (enumOf) codes.set(status, new Set(enumOf));
      }
      routes.push({ method: method.toUpperCase(), template, pattern, codes });
    }
  }
  // A literal segment wins over a parameter (`/v1/events/stream` before `/v1/events/{id}`).
  return routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
}

/**
 * Watches every answer of a test server: a problem (4xx) from a documented route must carry a
 * status and a code that route's OpenAPI responses list, so the SDK's types never miss a code an
 * endpoint gives. Answers of unknown routes and 5xx (which never leak codes worth typing) are
 * not checked.
 */
export class ProblemConformance {
  private readonly routes: DocumentedRoute[];
  /** Each undocumented answer seen, as `METHOD /template STATUS CODE`. */
  readonly violations = new Set<string>();

  constructor(document: DocumentPaths = committedDocument()) {
    this.routes = documentedRoutes(document);
  }

  /** Watches every answer of `server`. */
  attach(server: Server): void {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.end = ((...args: unknown[]) => {
        this.check(request, response, args[0]);
        return end(...args);
      }) as ServerResponse['end'];
    });
  }

  private check(request: IncomingMessage, response: ServerResponse, chunk: unknown): void {
    const status = response.statusCode;
    if (status < 400 || status >= 500 || !String(response.getHeader('content-type') ?? '').startsWith('application/problem+json')) return;
    const path = (request.url ?? '').split('?')[0];
    const route = this.routes.find((r) => r.method === request.method && r.pattern.test(path));
    if (!route) return;
    let code = '?';
    try {
      code = String((JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk)) as { code?: unknown }).code);
    } catch {
      code = '(unreadable body)';
    }
    if (!route.codes.get(String(status))?.has(code)) this.violations.add(`${route.method} ${route.template} ${status} ${code}`);
  }

  /** Throws when an answer broke the document. */
  assertConformant(): void {
    if (this.violations.size === 0) return;
    throw new Error(`answers not listed in the OpenAPI document (add the code to the route's @ApiProblems): ${[...this.violations].sort().join('; ')}`);
  }
}
