/**
 * Programmable failures, so tests can prove the client's retry and "outcome unknown" handling
 * against the same server that holds the state.
 *
 * Rules are checked in the order they were added; the first rule that matches a request and
 * still has firings left handles it (one fault per request). A rule with `after: n` lets its
 * first n matching requests through untouched.
 */
import { matchesPath, type LoggedRequest } from './request-log.js'

export type FaultKind =
  /**
   * Answer with this status and do not apply the request. Without `body`, the personality
   * supplies its forge's usual body for that status (GitLab 429: text/plain `Retry later` with
   * RateLimit-* headers). `retryAfter` (seconds) adds a `Retry-After` header.
   */
  | {
      readonly status: number
      readonly retryAfter?: number
      readonly body?: string | object
      readonly headers?: Readonly<Record<string, string>>
    }
  /** Destroy the socket before reading any of the body: nothing is applied. */
  | { readonly reset: 'before-body' }
  /** Read `afterBytes` of the body (or all of it, if shorter), then destroy the socket: nothing is applied. */
  | { readonly reset: 'mid-body'; readonly afterBytes: number }
  /** Apply the request to the state, then destroy the socket without answering: the outcome is unknown to the client. */
  | { readonly reset: 'after-apply' }
  /** Wait, then handle the request normally. */
  | { readonly latencyMs: number }
  /** Read the body, then never answer (until the client gives up or the server closes). */
  | { readonly hang: true }
  /**
   * Run `hook` when the request arrives (before its body is read), then handle the request as
   * `then` says, or normally. Lets a test act at a known point of a run, e.g. change a file the
   * client is about to upload.
   */
  | { readonly hook: (request: LoggedRequest) => void | Promise<void>; readonly then?: FaultKind }

export interface FaultRule {
  readonly method?: string
  /** A string must equal the raw pathname (no query); a RegExp is tested on raw path + query. */
  readonly path?: string | RegExp
  /** How many times the fault fires (default 1; `Infinity` for always). */
  readonly times?: number
  /** Matching requests to let through before the fault starts firing (default 0). */
  readonly after?: number
  readonly kind: FaultKind
}

export interface FaultHandle {
  readonly rule: FaultRule
  /** Requests this rule has handled. */
  readonly fired: number
  /** Requests that matched this rule (fired or let through). */
  readonly seen: number
  /** True once the rule has fired `times` times. */
  readonly exhausted: boolean
}

class ActiveFault implements FaultHandle {
  fired = 0
  seen = 0
  constructor(readonly rule: FaultRule) {}

  get exhausted(): boolean {
    return this.fired >= (this.rule.times ?? 1)
  }
}

export const describeFault = (kind: FaultKind): string => {
  if ('status' in kind) return `status:${kind.status}`
  if ('reset' in kind) return `reset:${kind.reset}`
  if ('latencyMs' in kind) return 'latency'
  if ('hook' in kind) return kind.then === undefined ? 'hook' : `hook+${describeFault(kind.then)}`
  return 'hang'
}

export class Faults {
  private readonly rules: ActiveFault[] = []

  add(rule: FaultRule): FaultHandle {
    const active = new ActiveFault(rule)
    this.rules.push(active)
    return active
  }

  /** Total firings over every rule added since the last `clear()`. */
  get fired(): number {
    return this.rules.reduce((sum, r) => sum + r.fired, 0)
  }

  list(): FaultHandle[] {
    return [...this.rules]
  }

  clear(): void {
    this.rules.length = 0
  }

  /** Picks the fault for a request and counts it; undefined when the request goes through. */
  take(method: string, rawPath: string): FaultKind | undefined {
    for (const rule of this.rules) {
      if (rule.rule.method !== undefined && rule.rule.method.toUpperCase() !== method) continue
      if (!matchesPath(rawPath, rule.rule.path)) continue
      if (rule.exhausted) continue
      rule.seen += 1
      if (rule.seen <= (rule.rule.after ?? 0)) continue
      rule.fired += 1
      return rule.rule.kind
    }
    return undefined
  }
}
