/**
 * How an Application Load Balancer picks an action for a request, from the recorded listener and
 * listener-rule inputs.
 *
 * AWS: rules are evaluated in priority order, lowest value first, and the default action applies
 * when none matches; every condition of a rule must match and any one value of a condition does.
 * Host-header values are case-insensitive, path patterns case-sensitive; both take `*` (zero or
 * more characters) and `?` (exactly one character); a path pattern is matched against the path
 * only, not the query string; query-string key/value pairs are case-insensitive and take wildcards.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 */
import { Model, Res } from "./model";

export interface HttpRequest {
  host: string;
  path: string;
  /** Query parameters (decoded). */
  query: [string, string][];
  method?: string;
}

export type Action = { type: string; targetGroupArn?: string; forward?: any; redirect?: any; fixedResponse?: any };

export interface Decision {
  /** The rule that matched, or undefined for the default action. */
  rule?: Res;
  action: Action | undefined;
  /** Target group ARNs the action forwards to. */
  targetGroups: string[];
}

/** A glob of ALB's wildcard syntax as a regular expression. */
export function globRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, caseInsensitive ? "is" : "s");
}

export function globMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  return globRegExp(pattern, caseInsensitive).test(value);
}

/**
 * Whether every string `inner` matches is matched by `outer` (language inclusion, sound: when it
 * says yes, it is so). `outer`'s `*` absorbs any run of `inner`'s characters or wildcards; its `?`
 * absorbs one literal or `?`; a literal only the same literal.
 */
export function globCovers(outer: string, inner: string, caseInsensitive: boolean): boolean {
  const o = caseInsensitive ? outer.toLowerCase() : outer;
  const i = caseInsensitive ? inner.toLowerCase() : inner;
  const memo = new Map<string, boolean>();
  const go = (a: number, b: number): boolean => {
    const key = `${a},${b}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (a === o.length) r = b === i.length;
    else if (o[a] === "*") r = go(a + 1, b) || (b < i.length && go(a, b + 1));
    else if (b === i.length) r = false;
    else if (o[a] === "?") r = i[b] !== "*" && go(a + 1, b + 1);
    else r = i[b] !== "*" && i[b] !== "?" && o[a] === i[b] && go(a + 1, b + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** One condition of a rule, normalised: a field, an optional key, and its values. */
export interface Condition {
  field: "host-header" | "path-pattern" | "query-string" | "http-header" | "http-request-method" | "source-ip";
  key?: string;
  values: string[];
}

/** The conditions of a recorded listener rule (Pulumi's `conditions` input shape). */
export function conditionsOf(rule: Res): Condition[] {
  const out: Condition[] = [];
  for (const c of (rule.inputs.conditions as any[]) ?? []) {
    if (c.hostHeader) out.push({ field: "host-header", values: c.hostHeader.values ?? [] });
    if (c.pathPattern) out.push({ field: "path-pattern", values: c.pathPattern.values ?? [] });
    if (c.httpRequestMethod) out.push({ field: "http-request-method", values: c.httpRequestMethod.values ?? [] });
    if (c.sourceIp) out.push({ field: "source-ip", values: c.sourceIp.values ?? [] });
    if (c.httpHeader) out.push({ field: "http-header", key: String(c.httpHeader.httpHeaderName).toLowerCase(), values: c.httpHeader.values ?? [] });
    if (c.queryStrings) {
      // One query-string condition: any of its key/value pairs matches.
      out.push({ field: "query-string", values: (c.queryStrings as any[]).map((q) => `${q.key ?? ""}=${q.value ?? ""}`) });
    }
  }
  return out;
}

function conditionMatches(c: Condition, req: HttpRequest): boolean {
  switch (c.field) {
    case "host-header": {
      // The Host header without its port.
      const host = req.host.replace(/:\d+$/, "");
      return c.values.some((v) => globMatch(v, host, true));
    }
    case "path-pattern":
      return c.values.some((v) => globMatch(v, req.path, false));
    case "query-string":
      return c.values.some((kv) => {
        const [k, v] = [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)];
        return req.query.some(([qk, qv]) => (k === "" || globMatch(k, qk, true)) && globMatch(v, qv, true));
      });
    case "http-request-method":
      return c.values.includes(req.method ?? "GET");
    case "http-header":
      // The verifier's requests carry only Host; a rule on another header does not match them.
      return false;
    case "source-ip":
      return false;
  }
}

export function ruleMatches(rule: Res, req: HttpRequest): boolean {
  return conditionsOf(rule).every((c) => conditionMatches(c, req));
}

/** Target groups an action forwards to (simple `targetGroupArn` or weighted `forward`). */
export function forwardsTo(action: Action | undefined): string[] {
  if (!action || action.type !== "forward") return [];
  if (action.targetGroupArn) return [action.targetGroupArn];
  return ((action.forward?.targetGroups as any[]) ?? []).filter((t) => (t.weight ?? 1) > 0).map((t) => t.arn);
}

/** The rules of a listener, in evaluation order. */
export function rulesOf(model: Model, listener: Res): Res[] {
  return model
    .ofType("aws:lb/listenerRule:ListenerRule")
    .filter((r) => model.ref(r.inputs.listenerArn, "aws:lb/listener:Listener", r.at) === listener)
    .sort((a, b) => Number(a.inputs.priority ?? Infinity) - Number(b.inputs.priority ?? Infinity));
}

export function listenersOf(model: Model, lb: Res): Res[] {
  return model.ofType("aws:lb/listener:Listener").filter((l) => model.ref(l.inputs.loadBalancerArn, "aws:lb/loadBalancer:LoadBalancer", l.at) === lb);
}

/** What the listener does with the request. */
export function evaluateListener(model: Model, listener: Res, req: HttpRequest): Decision {
  for (const rule of rulesOf(model, listener)) {
    if (ruleMatches(rule, req)) {
      const action = ((rule.inputs.actions as Action[]) ?? []).find((a) => a.type !== "authenticate-oidc" && a.type !== "authenticate-cognito");
      return { rule, action, targetGroups: forwardsTo(action) };
    }
  }
  const action = ((listener.inputs.defaultActions as Action[]) ?? []).find((a) => !String(a.type).startsWith("authenticate"));
  return { action, targetGroups: forwardsTo(action) };
}

/**
 * Sends a request to a load balancer on a port as a client would, following a listener's redirect
 * to another listener of the same load balancer (`#{port}` etc. keep the request's own values).
 */
export function sendToLoadBalancer(model: Model, lb: Res, port: number, protocol: string, req: HttpRequest): { decision?: Decision; listener?: Res; error?: string } {
  let current = { port, protocol };
  for (let hops = 0; hops < 3; hops++) {
    const listener = listenersOf(model, lb).find((l) => Number(l.inputs.port) === current.port);
    if (!listener) return { error: `no listener on port ${current.port}` };
    if (String(listener.inputs.protocol ?? "HTTP").toUpperCase() !== current.protocol.toUpperCase()) {
      return { listener, error: `the listener on port ${current.port} speaks ${listener.inputs.protocol}, the request ${current.protocol}` };
    }
    const decision = evaluateListener(model, listener, req);
    if (decision.action?.type === "redirect") {
      const r = decision.action.redirect ?? {};
      const toProtocol = r.protocol && r.protocol !== "#{protocol}" ? String(r.protocol) : current.protocol;
      const toPort = r.port && r.port !== "#{port}" ? Number(r.port) : toProtocol.toUpperCase() === "HTTPS" ? 443 : current.port;
      if (r.host && r.host !== "#{host}") return { decision, listener, error: `redirects to another host ${r.host}` };
      current = { port: toPort, protocol: toProtocol };
      continue;
    }
    return { decision, listener };
  }
  return { error: "redirect loop" };
}

/** Splits a URL into the request ALB sees. */
export function requestOf(url: string): { scheme: string; port: number; req: HttpRequest } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = u.protocol.replace(/:$/, "").toUpperCase();
  const port = u.port ? Number(u.port) : scheme === "HTTPS" ? 443 : 80;
  return { scheme, port, req: { host: u.hostname, path: u.pathname || "/", query: [...u.searchParams.entries()] } };
}
