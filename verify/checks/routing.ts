/**
 * Routing: every URL the stack outputs for a public service — its global name, its regional name
 * and the load balancer's DNS name, each with the service's path — reaches that service's target
 * group in every region the service runs in, evaluating the listener rules as ALB does (see
 * verify/alb.ts). Also reports rules a higher-priority rule shadows completely (they never match).
 */
import { Check, CheckResult, Failure } from "../types";
import { Model, Res } from "../model";
import { conditionsOf, globCovers, globMatch, listenersOf, requestOf, rulesOf, sendToLoadBalancer } from "../alb";
import { T, aliasTarget, arnOf, dnsName, fleetServices, loadBalancerByDns } from "../fleet";

function nameOfTg(model: Model, arn: string, region: string): string {
  const tg = model.ref(arn, T.targetGroup, region);
  return tg ? `${tg.name}` : arn;
}

/** Whether every request rule `later` matches also matches `earlier` (sound, see globCovers). */
export function shadows(earlier: Res, later: Res): boolean {
  const a = conditionsOf(earlier);
  const b = conditionsOf(later);
  return a.every((ca) =>
    b.some(
      (cb) =>
        cb.field === ca.field &&
        cb.key === ca.key &&
        cb.values.length > 0 &&
        cb.values.every((vb) =>
          ca.values.some((va) =>
            ca.field === "host-header" || ca.field === "query-string"
              ? globCovers(va, vb, true)
              : ca.field === "path-pattern"
                ? globCovers(va, vb, false)
                : va === vb,
          ),
        ),
    ),
  );
}

export const routing: Check = {
  name: "routing",
  description: "every URL of a public service reaches its target group in every region; no rule is shadowed",
  run(model: Model): CheckResult {
    const failures: Failure[] = [];
    let urls = 0;
    const outputs = model.outputs ?? {};
    const services = fleetServices(model).filter((s) => s.targets.length > 0 && s.awsvpc);
    for (const s of services) {
      const tg = s.targets[0];
      const tgArn = arnOf(tg.targetGroup) ?? tg.targetGroupArn;
      const regional = outputs.regions?.[s.region]?.services?.[s.name]?.url as string | undefined;
      const global = outputs.services?.[s.name]?.globalUrl as string | undefined;
      const albDns = outputs.regions?.[s.region]?.albDnsName as string | undefined;
      const path = regional ? (requestOf(regional)?.req.path ?? "/") : "/";
      const scheme = regional ? new URL(regional).protocol : global ? new URL(global).protocol : "http:";
      const ownRules = model.ofType(T.listenerRule).filter((r) => ((r.inputs.actions as any[]) ?? []).some((a) => a.targetGroupArn === tgArn));
      // The service's routing rule (not its health-check rule, which matches a query string).
      const blame = ownRules.find((r) => !conditionsOf(r).some((c) => c.field === "query-string"))?.urn ?? s.res.urn;
      const candidates: { url: string; what: string }[] = [];
      if (regional) candidates.push({ url: regional, what: "regional URL" });
      if (global) {
        const g = new URL(global);
        candidates.push({ url: `${g.protocol}//${g.host}${g.pathname === "/" ? path : g.pathname}${g.search}`, what: "global URL" });
      }
      if (albDns) {
        // The load balancer's own name serves the service only where its rule admits any host (or that name).
        const answersOnAlbName = ownRules.filter((r) => r.urn === blame).some((r) => {
          const host = conditionsOf(r).find((c) => c.field === "host-header");
          return !host || host.values.some((v) => globMatch(v, albDns, true));
        });
        if (answersOnAlbName) candidates.push({ url: `${scheme}//${albDns}${path}`, what: "load balancer URL" });
      }
      for (const { url, what } of candidates) {
        urls++;
        const parsed = requestOf(url);
        if (!parsed) {
          failures.push({ urn: s.res.urn, message: `${what} ${url} of ${s.name} is not a URL` });
          continue;
        }
        const host = dnsName(parsed.req.host);
        let lb = loadBalancerByDns(model, host);
        if (!lb) {
          const records = model.ofType(T.record).filter((r) => dnsName(r.inputs.name) === host && ["A", "AAAA"].includes(String(r.inputs.type)));
          if (records.length === 0) {
            failures.push({ urn: s.res.urn, message: `${what} ${url} of ${s.name}: no Route 53 record for ${host} in the plan; add an alias record to the load balancer in ${s.region}` });
            continue;
          }
          lb = records.map((r) => aliasTarget(model, r)).find((target) => target?.at === s.region);
          if (!lb) {
            failures.push({ urn: records[0].urn, message: `${what} ${url} of ${s.name}: no record of ${host} points at the load balancer in ${s.region}, where ${s.name} runs; add one (latency record with set identifier ${s.region})` });
            continue;
          }
        }
        if (lb.at !== s.region) {
          failures.push({ urn: s.res.urn, message: `${what} ${url} of ${s.name} in ${s.region} resolves to the load balancer in ${lb.at}` });
          continue;
        }
        const sent = sendToLoadBalancer(model, lb, parsed.port, parsed.scheme, parsed.req);
        if (sent.error || !sent.decision) {
          failures.push({ urn: sent.listener?.urn ?? lb.urn, message: `${what} ${url} of ${s.name} in ${s.region}: ${sent.error}` });
          continue;
        }
        const d = sent.decision;
        if (!d.targetGroups.includes(tgArn)) {
          const got = d.targetGroups.length > 0 ? `target group ${d.targetGroups.map((a) => nameOfTg(model, a, s.region)).join(", ")}` : `a ${d.action?.type ?? "missing"} action`;
          const by = d.rule ? `rule ${d.rule.name} (priority ${d.rule.inputs.priority})` : "the listener's default action";
          failures.push({
            urn: d.rule?.urn ?? blame,
            message: `${what} ${url} of ${s.name} in ${s.region} reaches ${got} through ${by}, not ${s.name}'s target group ${tg.targetGroup?.name ?? tgArn}; give the rules host-header conditions (or distinct paths) so each service's names reach it`,
          });
        }
      }
    }

    let listeners = 0;
    let rules = 0;
    for (const lb of model.ofType(T.loadBalancer)) {
      for (const listener of listenersOf(model, lb)) {
        listeners++;
        const ordered = rulesOf(model, listener);
        rules += ordered.length;
        for (let j = 0; j < ordered.length; j++) {
          for (let i = 0; i < j; i++) {
            if (Number(ordered[i].inputs.priority) === Number(ordered[j].inputs.priority)) {
              failures.push({ urn: ordered[j].urn, message: `rules ${ordered[i].name} and ${ordered[j].name} share priority ${ordered[j].inputs.priority} on listener ${listener.name}; ALB requires distinct priorities` });
            } else if (shadows(ordered[i], ordered[j])) {
              failures.push({
                urn: ordered[j].urn,
                message: `rule ${ordered[j].name} (priority ${ordered[j].inputs.priority}) never matches: rule ${ordered[i].name} (priority ${ordered[i].inputs.priority}) matches every request it would; give it a lower priority number or narrower conditions`,
              });
              break;
            }
          }
        }
      }
    }
    return { check: "routing", examined: { services: services.length, urls, listeners, rules }, failures };
  },
};
