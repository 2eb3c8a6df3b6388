/**
 * A model of how an Application Load Balancer listener picks a rule, for tests: rules are evaluated
 * in priority order (lowest first) and the first whose conditions all match wins; host-header
 * values match case-insensitively, path patterns case-sensitively, `*` any run of characters and
 * `?` exactly one; a query-string condition matches when the request has that key=value.
 * Source: Elastic Load Balancing User Guide, "Listener rules for your Application Load Balancer"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html).
 *
 * Wildcards match with the fleet verifier's own matcher (verify/alb.ts), so tests and verifier agree.
 */
import { globMatch } from "../verify/alb";

export interface SimRule {
  priority: number;
  /** Whatever identifies the target (a service name). */
  target: string;
  hostHeaders?: string[];
  pathPatterns?: string[];
  queryStrings?: { key?: string; value: string }[];
}


/** The target of the first matching rule for a request `host` + `pathAndQuery`; undefined: the default action (404). */
export function route(rules: SimRule[], host: string, pathAndQuery: string): string | undefined {
  const [path, query = ""] = pathAndQuery.split("?");
  const params = query === "" ? [] : query.split("&").map((kv) => kv.split("=") as [string, string?]);
  for (const r of [...rules].sort((a, b) => a.priority - b.priority)) {
    if (r.hostHeaders && r.hostHeaders.length > 0 && !r.hostHeaders.some((h) => globMatch(h, host, true))) continue;
    if (r.pathPatterns && r.pathPatterns.length > 0 && !r.pathPatterns.some((p) => globMatch(p, path, false))) continue;
    if (r.queryStrings && r.queryStrings.length > 0 && !r.queryStrings.some((q) => params.some(([k, v]) => (q.key === undefined || q.key === k) && q.value === (v ?? "")))) continue;
    return r.target;
  }
  return undefined;
}

/** The rules of recorded `aws:lb/listenerRule:ListenerRule` inputs, `target` from `targetOf`. */
export function rulesFromInputs(list: { inputs: Record<string, unknown> }[], targetOf: (i: number) => string): SimRule[] {
  return list.map((r, i) => {
    const conditions = (r.inputs.conditions ?? []) as { hostHeader?: { values: string[] }; pathPattern?: { values: string[] }; queryStrings?: { key?: string; value: string }[] }[];
    return {
      priority: r.inputs.priority as number,
      target: targetOf(i),
      hostHeaders: conditions.flatMap((c) => c.hostHeader?.values ?? []),
      pathPatterns: conditions.flatMap((c) => c.pathPattern?.values ?? []),
      queryStrings: conditions.flatMap((c) => c.queryStrings ?? []),
    };
  });
}
