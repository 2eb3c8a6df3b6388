/**
 * AWS API shapes: the main requests the deploy will send — RegisterTaskDefinition (container
 * definitions included), CreateService, RegisterJobDefinition — validated against the structure
 * schemas of @aws-sdk/client-ecs and @aws-sdk/client-batch (AWS's own Smithy models: members,
 * required members, types, enums; see verify/sdk-shapes.ts), and every Step Functions definition
 * against the Amazon States Language with asl-validator.
 *
 * The requests are rebuilt from the recorded Pulumi inputs the way the AWS provider builds them
 * (its argument names differ from the API's: `capacityProviderStrategies` → `capacityProviderStrategy`,
 * `deploymentMaximumPercent` → `deploymentConfiguration.maximumPercent`, ...).
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
 * https://docs.aws.amazon.com/batch/latest/APIReference/API_RegisterJobDefinition.html
 * https://states-language.net/spec.html
 */
import { Check, CheckResult, Failure } from "../types";
import { Model, Res, parseJson } from "../model";
import { T } from "../fleet";
import { shape, validateShape } from "../sdk-shapes";
import { validateAsl } from "../asl";

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

const tagList = (tags: unknown) => (tags && typeof tags === "object" ? Object.entries(tags as object).map(([key, value]) => ({ key, value })) : undefined);

export function registerTaskDefinitionRequest(td: Res): Record<string, unknown> {
  const i = td.inputs;
  return {
    ...pick(i, ["family", "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities", "cpu", "memory", "runtimePlatform", "pidMode", "ipcMode", "ephemeralStorage", "proxyConfiguration", "enableFaultInjection"]),
    containerDefinitions: parseJson(i.containerDefinitions),
    ...(i.tags ? { tags: tagList(i.tags) } : {}),
  };
}

export function createServiceRequest(svc: Res): Record<string, unknown> {
  const i = svc.inputs as Record<string, any>;
  const deploymentConfiguration: Record<string, unknown> = {};
  if (i.deploymentMaximumPercent !== undefined) deploymentConfiguration.maximumPercent = i.deploymentMaximumPercent;
  if (i.deploymentMinimumHealthyPercent !== undefined) deploymentConfiguration.minimumHealthyPercent = i.deploymentMinimumHealthyPercent;
  if (i.deploymentCircuitBreaker) deploymentConfiguration.deploymentCircuitBreaker = i.deploymentCircuitBreaker;
  if (i.alarms) deploymentConfiguration.alarms = i.alarms;
  const net = i.networkConfiguration;
  const sc = i.serviceConnectConfiguration;
  return {
    serviceName: i.name,
    ...pick(i, ["cluster", "taskDefinition", "availabilityZoneRebalancing", "loadBalancers", "desiredCount", "launchType", "platformVersion", "healthCheckGracePeriodSeconds", "schedulingStrategy", "propagateTags", "enableExecuteCommand"]),
    ...(i.capacityProviderStrategies?.length ? { capacityProviderStrategy: i.capacityProviderStrategies } : {}),
    ...(Object.keys(deploymentConfiguration).length ? { deploymentConfiguration } : {}),
    ...(i.placementConstraints?.length ? { placementConstraints: i.placementConstraints } : {}),
    ...(i.orderedPlacementStrategies?.length ? { placementStrategy: i.orderedPlacementStrategies } : {}),
    ...(net
      ? { networkConfiguration: { awsvpcConfiguration: { subnets: net.subnets, securityGroups: net.securityGroups, assignPublicIp: net.assignPublicIp ? "ENABLED" : "DISABLED" } } }
      : {}),
    ...(i.deploymentController ? { deploymentController: i.deploymentController } : {}),
    ...(i.enableEcsManagedTags !== undefined ? { enableECSManagedTags: i.enableEcsManagedTags } : {}),
    ...(sc
      ? {
          serviceConnectConfiguration: {
            ...pick(sc, ["enabled", "namespace", "logConfiguration"]),
            ...(sc.services
              ? {
                  services: (sc.services as any[]).map((s) => ({
                    ...pick(s, ["portName", "discoveryName", "ingressPortOverride", "timeout", "tls"]),
                    ...(s.clientAlias ? { clientAliases: s.clientAlias } : {}),
                  })),
                }
              : {}),
          },
        }
      : {}),
    ...(i.tags ? { tags: tagList(i.tags) } : {}),
  };
}

export function registerJobDefinitionRequest(jd: Res): Record<string, unknown> {
  const i = jd.inputs as Record<string, any>;
  return {
    jobDefinitionName: i.name,
    ...pick(i, ["type", "parameters", "retryStrategy", "timeout", "platformCapabilities", "propagateTags", "schedulingPriority"]),
    ...(i.containerProperties ? { containerProperties: parseJson(i.containerProperties) } : {}),
    ...(i.tags ? { tags: i.tags } : {}),
  };
}

export const apiShapes: Check = {
  name: "api-shapes",
  description: "RegisterTaskDefinition, CreateService, RegisterJobDefinition match the AWS SDK models; state machines are valid ASL",
  run(model: Model): CheckResult {
    const failures: Failure[] = [];
    const report = (r: Res, api: string, problems: string[]) => {
      for (const p of problems) failures.push({ urn: r.urn, message: `${api} for ${r.name}: ${p}` });
    };
    const tds = model.ofType(T.taskDefinition);
    for (const td of tds) report(td, "RegisterTaskDefinition", validateShape("ecs", registerTaskDefinitionRequest(td), shape("ecs", "RegisterTaskDefinitionRequest"), "request", []));
    const svcs = model.ofType(T.service);
    for (const svc of svcs) report(svc, "CreateService", validateShape("ecs", createServiceRequest(svc), shape("ecs", "CreateServiceRequest"), "request", []));
    const jds = model.ofType(T.jobDefinition);
    for (const jd of jds) report(jd, "RegisterJobDefinition", validateShape("batch", registerJobDefinitionRequest(jd), shape("batch", "RegisterJobDefinitionRequest"), "request", []));
    const sms = model.ofType(T.stateMachine);
    for (const sm of sms) {
      const def = parseJson(sm.inputs.definition);
      if (def === undefined) {
        failures.push({ urn: sm.urn, message: `state machine ${sm.name}: definition is not JSON` });
        continue;
      }
      const { isValid, errors } = validateAsl(def);
      if (!isValid) for (const e of errors) failures.push({ urn: sm.urn, message: `state machine ${sm.name}: ${(e as any).message ?? JSON.stringify(e)}${(e as any).path ? ` at ${(e as any).path}` : ""}` });
    }
    return { check: "api-shapes", examined: { taskDefinitions: tds.length, services: svcs.length, jobDefinitions: jds.length, stateMachines: sms.length }, failures };
  },
};
