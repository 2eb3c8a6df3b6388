/**
 * Order and ownership: the engine creates a resource only after what it depends on (explicit
 * `dependsOn` and the resources its inputs come from, as recorded); the orders AWS requires hold;
 * and no two resources manage one physical object.
 *
 * Orders:
 * - capacity providers associated with the cluster before a service uses them: a strategy naming a
 *   provider the cluster lacks fails CreateService.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-capacity-providers.html
 *   https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_cluster_capacity_providers
 * - the execution role's policies before the task definition (tasks started from it pull images,
 *   write logs and read secrets as that role).
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
 * - a listener (rule) forwarding to the target group before the service naming it: CreateService
 *   fails with "The target group ... does not have an associated load balancer".
 *   https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_service
 * - certificate validation before the HTTPS listener: a certificate still PENDING_VALIDATION is
 *   rejected by CreateListener.
 *   https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
 * Ownership: a Route 53 record is identified by zone, name, type and set identifier; IAM role names
 * and S3 bucket names are unique per account/partition; log groups and ECS clusters per region;
 * ECS services per cluster.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html
 */
import { Check, CheckResult, Failure } from "../types";
import { Model, Res } from "../model";
import { T, arnOf, dnsName } from "../fleet";
import { roleView } from "../iam";

export const order: Check = {
  name: "order",
  description: "AWS's creation orders hold in the dependency graph; every physical object has one owner",
  run(model: Model): CheckResult {
    const failures: Failure[] = [];
    let orders = 0;
    if (!model.hasDependencies) {
      failures.push({ urn: "", message: "the plan records no dependencies (saved by an older ecs-fleet); plan again with `npm run plan -- --json --out plan.json`" });
    }
    const requireAfter = (a: Res, b: Res, why: string) => {
      orders++;
      if (!model.after(a, b)) failures.push({ urn: a.urn, message: `${a.name} must be created after ${b.type.split(":").pop()} ${b.name} (${why}); add it to dependsOn` });
    };

    for (const svc of model.ofType(T.service)) {
      const cluster = model.ref(svc.inputs.cluster, T.cluster, svc.at);
      const strategies = (svc.inputs.capacityProviderStrategies as any[]) ?? [];
      if (strategies.length > 0) {
        const ccp = model.ofType(T.capacityProviders).find((c) => c.at === svc.at && c.inputs.clusterName === cluster?.state.name);
        if (!ccp) {
          failures.push({ urn: svc.urn, message: `${svc.name} uses capacity providers ${strategies.map((s) => s.capacityProvider).join(", ")}, but no ClusterCapacityProviders associates them with cluster ${cluster?.state.name}` });
        } else {
          const missing = strategies.map((s) => s.capacityProvider).filter((p) => !((ccp.inputs.capacityProviders as string[]) ?? []).includes(p));
          if (missing.length) failures.push({ urn: ccp.urn, message: `cluster ${cluster?.state.name} lacks capacity providers ${missing.join(", ")} that ${svc.name} uses; add them` });
          requireAfter(svc, ccp, "its capacity provider strategy needs the cluster's capacity providers");
        }
      }
      for (const lb of (svc.inputs.loadBalancers as any[]) ?? []) {
        const tg = model.ref(lb.targetGroupArn, T.targetGroup, svc.at);
        if (!tg) continue;
        const arn = arnOf(tg);
        const forwarders = [
          ...model.ofType(T.listenerRule).filter((r) => ((r.inputs.actions as any[]) ?? []).some((a) => a.targetGroupArn === arn || (a.forward?.targetGroups ?? []).some((t: any) => t.arn === arn))),
          ...model.ofType(T.listener).filter((l) => ((l.inputs.defaultActions as any[]) ?? []).some((a) => a.targetGroupArn === arn)),
        ];
        orders++;
        if (forwarders.length === 0) failures.push({ urn: svc.urn, message: `${svc.name} names target group ${tg.name}, which no listener forwards to: CreateService would fail` });
        else if (!forwarders.some((f) => model.after(svc, f))) {
          failures.push({ urn: svc.urn, message: `${svc.name} must be created after a listener rule forwarding to ${tg.name} (${forwarders.map((f) => f.name).join(", ")}): CreateService rejects a target group without a load balancer; add dependsOn` });
        }
      }
    }
    for (const td of model.ofType(T.taskDefinition)) {
      const role = model.ref(td.inputs.executionRoleArn, T.role, td.at);
      if (!role) continue;
      const view = roleView(model, role);
      for (const p of view.policies) {
        const grantor = model.get(p.urn);
        if (grantor && grantor.urn !== role.urn) requireAfter(td, grantor, `its execution role ${role.state.name} needs that policy before tasks start`);
      }
    }
    for (const l of model.ofType(T.listener).filter((x) => String(x.inputs.protocol).toUpperCase() === "HTTPS")) {
      const cert = model.ref(l.inputs.certificateArn, T.certificate, l.at);
      if (!cert) continue;
      const validation = model.ofType(T.certificateValidation).find((v) => v.inputs.certificateArn === cert.state.arn);
      orders++;
      if (!validation) failures.push({ urn: l.urn, message: `HTTPS listener ${l.name} uses certificate ${cert.name}, which nothing validates; add a CertificateValidation and depend on it` });
      else if (!model.after(l, validation)) failures.push({ urn: l.urn, message: `${l.name} must be created after ${validation.name} (a certificate pending validation is rejected); add dependsOn: [${validation.name}]` });
    }

    // One owner per physical object.
    const owners = new Map<string, Res[]>();
    const own = (key: string, r: Res) => owners.set(key, [...(owners.get(key) ?? []), r]);
    for (const r of model.ofType(T.record)) own(`Route 53 record ${dnsName(r.inputs.name)} ${r.inputs.type} in zone ${r.inputs.zoneId}${r.inputs.setIdentifier ? ` (set ${r.inputs.setIdentifier})` : ""}`, r);
    for (const r of model.ofType(T.role)) own(`IAM role ${r.state.name}`, r);
    for (const r of model.ofType(T.policy)) own(`IAM policy ${r.state.name}`, r);
    for (const r of model.ofType(T.logGroup)) own(`log group ${r.state.name} in ${r.at}`, r);
    for (const r of model.ofType(T.bucket)) own(`S3 bucket ${r.state.bucket}`, r);
    for (const r of model.ofType(T.cluster)) own(`ECS cluster ${r.state.name} in ${r.at}`, r);
    for (const r of model.ofType(T.service)) {
      const cluster = model.ref(r.inputs.cluster, T.cluster, r.at);
      own(`ECS service ${r.state.name} in cluster ${cluster?.state.arn ?? r.inputs.cluster}`, r);
    }
    for (const r of model.ofType(T.stateMachine)) own(`state machine ${r.state.name} in ${r.at}`, r);
    for (const r of model.ofType(T.loadBalancer)) own(`load balancer ${r.state.name} in ${r.at}`, r);
    for (const r of model.ofType(T.targetGroup)) own(`target group ${r.state.name} in ${r.at}`, r);
    for (const [key, rs] of owners) {
      if (rs.length > 1) {
        for (const r of rs.slice(1)) failures.push({ urn: r.urn, message: `${key} is managed by ${rs.length} resources (${rs.map((x) => x.name).join(", ")}); keep one owner and let the others reference it` });
      }
    }
    return { check: "order", examined: { orders, physicalObjects: owners.size, resources: model.resources.length }, failures };
  },
};
