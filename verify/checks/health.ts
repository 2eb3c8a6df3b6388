/**
 * Health: each target group's health check probes the port and protocol its targets serve (the
 * container port ECS registers, `traffic-port` or that port), the service's container really
 * publishes that port, and every Route 53 health check of a service reaches, through the listener,
 * the same target group — the one whose health-check path it requests — in its region.
 *
 * AWS: ECS registers each task at the containerPort of `loadBalancers`; the target group's health
 * check `traffic-port` is that port.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * A Route 53 HTTP(S) health check with an FQDN sends that name as Host and requests ResourcePath.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
 */
import { Check, CheckResult, Failure } from "../types";
import { Model } from "../model";
import { requestOf, sendToLoadBalancer } from "../alb";
import { T, arnOf, dnsName, fleetServices, loadBalancerByDns } from "../fleet";

export const health: Check = {
  name: "health",
  description: "target-group and Route 53 health checks probe the service's own port, protocol and target group",
  run(model: Model): CheckResult {
    const failures: Failure[] = [];
    let targetGroups = 0;
    let healthChecks = 0;
    const services = fleetServices(model);
    for (const s of services) {
      for (const t of s.targets) {
        targetGroups++;
        const tg = t.targetGroup;
        if (!tg) {
          failures.push({ urn: s.res.urn, message: `${s.name} in ${s.region} names target group ${t.targetGroupArn}, which the plan does not create` });
          continue;
        }
        const container = s.containers.find((c) => c.name === t.containerName);
        const mapping = container?.portMappings?.find((p) => Number(p.containerPort) === t.containerPort);
        if (!container) {
          failures.push({ urn: s.res.urn, message: `${s.name}: the load balancer targets container ${t.containerName}, which task definition ${s.taskDefinition?.name} does not define` });
        } else if (!mapping) {
          failures.push({ urn: s.res.urn, message: `${s.name}: the load balancer targets port ${t.containerPort} of container ${t.containerName}, which publishes ${(container.portMappings ?? []).map((p) => p.containerPort).join(", ") || "no port"}; add the port mapping or fix containerPort` });
        } else if ((mapping.protocol ?? "tcp") !== "tcp") {
          failures.push({ urn: s.res.urn, message: `${s.name}: port ${t.containerPort} is ${mapping.protocol}; an Application Load Balancer needs tcp` });
        }
        const hc = (tg.inputs.healthCheck as any) ?? {};
        const hcPort = hc.port ?? "traffic-port";
        if (hcPort !== "traffic-port" && Number(hcPort) !== t.containerPort) {
          failures.push({ urn: tg.urn, message: `target group ${tg.name} checks port ${hcPort}, but ${s.name}'s targets listen on ${t.containerPort}; use traffic-port` });
        }
        const tgProtocol = String(tg.inputs.protocol ?? "HTTP").toUpperCase();
        const hcProtocol = String(hc.protocol ?? tgProtocol).toUpperCase();
        if (hcProtocol !== tgProtocol) {
          failures.push({ urn: tg.urn, message: `target group ${tg.name} serves ${tgProtocol} but checks health with ${hcProtocol}; use ${tgProtocol}` });
        }
        if (mapping?.appProtocol && !["http", "http2"].includes(mapping.appProtocol) && tgProtocol.startsWith("HTTP")) {
          failures.push({ urn: tg.urn, message: `${s.name}'s port ${t.containerPort} speaks ${mapping.appProtocol}; target group ${tg.name} expects HTTP` });
        }
        if (hc.enabled === false) failures.push({ urn: tg.urn, message: `target group ${tg.name} has its health check disabled; enable it` });
      }
    }

    // Route 53 health checks: which service they belong to is said by the latency record naming them.
    for (const check of model.ofType(T.healthCheck)) {
      const type = String(check.inputs.type ?? "");
      if (!["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH"].includes(type)) continue;
      healthChecks++;
      const records = model.ofType(T.record).filter((r) => r.inputs.healthCheckId === check.id);
      const lb = loadBalancerByDns(model, String(check.inputs.fqdn ?? ""));
      if (!lb) {
        failures.push({ urn: check.urn, message: `health check ${check.name} probes ${check.inputs.fqdn}, which is no load balancer of the plan` });
        continue;
      }
      const scheme = type.startsWith("HTTPS") ? "HTTPS" : "HTTP";
      const port = Number(check.inputs.port ?? (scheme === "HTTPS" ? 443 : 80));
      const parsed = requestOf(`${scheme.toLowerCase()}://${check.inputs.fqdn}${check.inputs.resourcePath ?? "/"}`);
      const sent = parsed ? sendToLoadBalancer(model, lb, port, scheme, parsed.req) : { error: "not a URL" };
      if (sent.error || !("decision" in sent) || !sent.decision) {
        failures.push({ urn: check.urn, message: `health check ${check.name} (${scheme} :${port}${check.inputs.resourcePath}) does not reach a target group: ${sent.error}` });
        continue;
      }
      const reached = sent.decision.targetGroups;
      for (const record of records) {
        const owner = services.find((s) => {
          const global = model.outputs?.services?.[s.name]?.globalUrl;
          return s.region === lb.at && s.targets.length > 0 && typeof global === "string" && dnsName(requestOf(global)?.req.host) === dnsName(record.inputs.name);
        });
        if (!owner) continue;
        const tgArn = arnOf(owner.targets[0].targetGroup) ?? owner.targets[0].targetGroupArn;
        if (!reached.includes(tgArn)) {
          failures.push({
            urn: check.urn,
            message: `health check ${check.name} for ${dnsName(record.inputs.name)} in ${lb.at} reaches ${reached.length ? reached.map((a) => model.ref(a, T.targetGroup, lb.at)?.name ?? a).join(", ") : `a ${sent.decision.action?.type} action`}${sent.decision.rule ? ` via rule ${sent.decision.rule.name}` : ""}, not ${owner.name}'s target group; route its path to ${owner.name}`,
          });
          continue;
        }
        const tg = owner.targets[0].targetGroup;
        const tgPath = (tg?.inputs.healthCheck as any)?.path;
        if (tgPath && parsed && parsed.req.path !== tgPath) {
          failures.push({ urn: check.urn, message: `health check ${check.name} requests ${parsed.req.path}, target group ${tg?.name} checks ${tgPath}; probe the same path` });
        }
      }
    }
    return { check: "health", examined: { services: services.length, targetGroups, route53HealthChecks: healthChecks }, failures };
  },
};
