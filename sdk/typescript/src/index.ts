// The TypeScript SDK of the FountainAI APIs: one openapi-fetch client per service, typed from the
// service's OpenAPI spec (src/generated/, made by `make generate`), with the caller's credential
// on every request and FountainError thrown for error answers.
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { paths as AccessPaths } from "./generated/access.js";
import type { paths as CharactersPaths } from "./generated/characters.js";
import type { paths as LogsPaths } from "./generated/logs.js";
import type { paths as ScriptsPaths } from "./generated/scripts.js";
import type { paths as SequencePaths } from "./generated/sequence.js";
import type { paths as SessionsPaths } from "./generated/sessions.js";
import type { paths as StoriesPaths } from "./generated/stories.js";

export type * as access from "./generated/access.js";
export type * as characters from "./generated/characters.js";
export type * as logs from "./generated/logs.js";
export type * as scripts from "./generated/scripts.js";
export type * as sequence from "./generated/sequence.js";
export type * as sessions from "./generated/sessions.js";
export type * as stories from "./generated/stories.js";

/** The services, as FountainClient's fields and serviceUrls' keys name them. */
export const services = ["sequence", "scripts", "characters", "sessions", "stories", "logs", "access"] as const;
export type ServiceName = (typeof services)[number];

export interface FountainClientOptions {
  /** Where the services answer: `fountain serve` (e.g. http://localhost:8080) or the gateway. */
  baseUrl: string;
  /** An API key (fai_…), sent in X-API-Key. */
  apiKey?: string;
  /** A bearer JWT, sent as Authorization: Bearer. */
  token?: string;
  /** A service deployed apart, without the gateway in front: its own base URL. */
  serviceUrls?: Partial<Record<ServiceName, string>>;
  /** The fetch to send requests with (default globalThis.fetch). */
  fetch?: (input: Request) => Promise<Response>;
  /**
   * Throw FountainError for an error answer (default true). With false, the clients answer
   * openapi-fetch's way: `{ data }` or `{ error }` with the ErrorResponse body.
   */
  throwOnError?: boolean;
}

export interface FountainClient {
  sequence: Client<SequencePaths>;
  scripts: Client<ScriptsPaths>;
  characters: Client<CharactersPaths>;
  sessions: Client<SessionsPaths>;
  stories: Client<StoriesPaths>;
  logs: Client<LogsPaths>;
  access: Client<AccessPaths>;
}

/**
 * An answer other than 2xx (or 304 Not Modified, the answer to a conditional read), with the
 * ErrorResponse body every service sends.
 */
export class FountainError extends Error {
  /** The HTTP status code. */
  readonly status: number;
  /** The stable machine-readable code, e.g. VALIDATION_FAILED; empty when the body was not an ErrorResponse. */
  readonly errorCode: string;
  /** Specifics (the offending field, resource or request id), when there are any. */
  readonly details: string[];
  /** The X-Request-Id header, to quote when asking about the request. */
  readonly requestId: string | undefined;
  /** The body as received. */
  readonly body: string;

  constructor(init: { status: number; errorCode: string; message: string; details?: string[]; requestId?: string; body?: string }) {
    super(init.message);
    this.name = "FountainError";
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.details = init.details ?? [];
    this.requestId = init.requestId;
    this.body = init.body ?? "";
  }

  /** Reads an error answer's body into a FountainError. */
  static async fromResponse(response: Response): Promise<FountainError> {
    const body = await response.text();
    const requestId = response.headers.get("X-Request-Id") ?? undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (isErrorResponse(parsed)) {
      return new FountainError({
        status: response.status,
        errorCode: parsed.errorCode,
        message: parsed.message,
        details: detailsOf(parsed.details),
        requestId,
        body,
      });
    }
    // Not an ErrorResponse (a proxy's page, say): keep what there is to show.
    return new FountainError({ status: response.status, errorCode: "", message: response.statusText || `HTTP ${response.status}`, requestId, body });
  }
}

function isErrorResponse(v: unknown): v is { errorCode: string; message: string; details?: unknown } {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.errorCode === "string" && r.errorCode !== "" && typeof r.message === "string";
}

// ErrorResponse.details is one string in some services' specs and an array of strings in others
// (Character Management's, as in the published v2 contract): both become a list.
function detailsOf(d: unknown): string[] {
  if (typeof d === "string") return d === "" ? [] : [d];
  if (Array.isArray(d)) return d.filter((x): x is string => typeof x === "string");
  return [];
}

/** Throws FountainError for every answer other than 2xx and 304. */
export const throwOnError: Middleware = {
  async onResponse({ response }) {
    if (!response.ok && response.status !== 304) {
      throw await FountainError.fromResponse(response);
    }
    return undefined;
  },
};

/**
 * Sets header to value on every request that carries no credential of its own: a request's own
 * X-API-Key or Authorization (in its `headers` option) wins.
 */
export function credential(header: string, value: string): Middleware {
  return {
    async onRequest({ request }) {
      if (!request.headers.has("X-API-Key") && !request.headers.has("Authorization")) {
        request.headers.set(header, value);
      }
      return request;
    },
  };
}

/** Makes the clients of every service. */
export function createFountainClient(options: FountainClientOptions): FountainClient {
  const { baseUrl, apiKey, token, serviceUrls = {}, throwOnError: throws = true } = options;
  checkUrl(baseUrl);
  for (const [name, url] of Object.entries(serviceUrls)) {
    if (!(services as readonly string[]).includes(name)) {
      throw new TypeError(`no service ${JSON.stringify(name)} (one of ${services.join(", ")})`);
    }
    checkUrl(url as string);
  }
  if (apiKey !== undefined && token !== undefined) {
    // Two credentials would leave it to the server which one counts.
    throw new TypeError("give apiKey or token, not both");
  }
  if (apiKey === "" || token === "") {
    throw new TypeError("the credential is empty");
  }
  const middleware: Middleware[] = [];
  if (apiKey !== undefined) middleware.push(credential("X-API-Key", apiKey));
  if (token !== undefined) middleware.push(credential("Authorization", `Bearer ${token}`));
  if (throws) middleware.push(throwOnError);

  function make<Paths extends {}>(service: ServiceName): Client<Paths> {
    const client = createClient<Paths>({ baseUrl: serviceUrls[service] ?? baseUrl, fetch: options.fetch });
    client.use(...middleware);
    return client;
  }
  return {
    sequence: make<SequencePaths>("sequence"),
    scripts: make<ScriptsPaths>("scripts"),
    characters: make<CharactersPaths>("characters"),
    sessions: make<SessionsPaths>("sessions"),
    stories: make<StoriesPaths>("stories"),
    logs: make<LogsPaths>("logs"),
    access: make<AccessPaths>("access"),
  };
}

function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`base URL ${JSON.stringify(url)}: want http(s)://host[:port][/path]`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new TypeError(`base URL ${JSON.stringify(url)}: want http(s)://host[:port][/path]`);
  }
}

/**
 * The data of a successful answer: `const script = await unwrap(c.scripts.POST("/scripts", { body }))`.
 * It throws FountainError for an error answer also when the client was made with throwOnError false.
 */
export async function unwrap<R extends { data?: unknown; error?: unknown; response: Response }>(result: Promise<R>): Promise<SuccessData<R>> {
  const r = await result;
  if (r.error !== undefined) {
    const e = r.error as { errorCode?: unknown; message?: unknown; details?: unknown };
    throw new FountainError({
      status: r.response.status,
      errorCode: typeof e.errorCode === "string" ? e.errorCode : "",
      message: typeof e.message === "string" ? e.message : r.response.statusText,
      details: detailsOf(e.details),
      requestId: r.response.headers.get("X-Request-Id") ?? undefined,
      body: typeof r.error === "string" ? r.error : JSON.stringify(r.error),
    });
  }
  return r.data as SuccessData<R>;
}

/** The data of openapi-fetch's answer to a successful request, R being the answer. */
export type SuccessData<R> = R extends { data: infer D; error?: never } ? D : never;
