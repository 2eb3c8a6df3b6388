/**
 * Validates a request against the structure schemas the AWS SDK for JavaScript v3 ships (generated
 * from AWS's Smithy service models): `@aws-sdk/client-<service>` exports each shape as `<Name>$`, a
 * static schema `[3, namespace, name, traits, memberNames, memberSchemas, requiredCount]` for a
 * structure (the first `requiredCount` members are required), `[1, ns, name, traits, member]` for a
 * list, `[2, ns, name, traits, key, value]` for a map; `0` string, `1` number, `2` boolean, `4`..`7`
 * timestamps, `15` document, `21` blob, `64 | x` a list of x, `128 | x` a map of x; a member may be
 * `[schema, traits]`. String enums are exported as objects (`TransportProtocol`), which the schema
 * does not link to members; `ENUMS` names them per shape member.
 */
import * as ecs from "@aws-sdk/client-ecs";
import * as batch from "@aws-sdk/client-batch";

type Schema = unknown;

/** `Shape.member` → the SDK's enum object, per client. */
const ENUMS: Record<string, Record<string, string>> = {
  "ecs:PortMapping.protocol": "TransportProtocol",
  "ecs:PortMapping.appProtocol": "ApplicationProtocol",
  "ecs:LogConfiguration.logDriver": "LogDriver",
  "ecs:RegisterTaskDefinitionRequest.networkMode": "NetworkMode",
  "ecs:RegisterTaskDefinitionRequest.requiresCompatibilities": "Compatibility",
  "ecs:RuntimePlatform.cpuArchitecture": "CPUArchitecture",
  "ecs:RuntimePlatform.operatingSystemFamily": "OSFamily",
  "ecs:ResourceRequirement.type": "ResourceType",
  "ecs:CreateServiceRequest.launchType": "LaunchType",
  "ecs:CreateServiceRequest.propagateTags": "PropagateTags",
  "ecs:CreateServiceRequest.schedulingStrategy": "SchedulingStrategy",
  "ecs:CreateServiceRequest.availabilityZoneRebalancing": "AvailabilityZoneRebalancing",
  "ecs:AwsVpcConfiguration.assignPublicIp": "AssignPublicIp",
  "ecs:DeploymentController.type": "DeploymentControllerType",
  "ecs:PlacementStrategy.type": "PlacementStrategyType",
  "ecs:PlacementConstraint.type": "PlacementConstraintType",
  "ecs:ContainerDependency.condition": "ContainerCondition",
  "ecs:Ulimit.name": "UlimitName",
  "batch:RegisterJobDefinitionRequest.type": "JobDefinitionType",
  "batch:RegisterJobDefinitionRequest.platformCapabilities": "PlatformCapability",
  "batch:ResourceRequirement.type": "ResourceType",
  "batch:NetworkConfiguration.assignPublicIp": "AssignPublicIp",
  "batch:LogConfiguration.logDriver": "LogDriver",
} as any;

const CLIENTS: Record<string, Record<string, any>> = { ecs: ecs as any, batch: batch as any };

export function enumValues(client: string, shape: string, member: string): string[] | undefined {
  const name = (ENUMS as any)[`${client}:${shape}.${member}`] as string | undefined;
  const e = name ? CLIENTS[client][name] : undefined;
  return e ? Object.values(e as Record<string, string>) : undefined;
}

/** The shape schema `<name>$` of a client. */
export function shape(client: "ecs" | "batch", name: string): Schema {
  const s = CLIENTS[client][`${name}$`];
  if (!s) throw new Error(`@aws-sdk/client-${client} has no schema ${name}`);
  return s;
}

function resolve(s: Schema): Schema {
  let x = s;
  for (let i = 0; i < 10; i++) {
    if (typeof x === "function") x = (x as () => Schema)();
    else if (Array.isArray(x) && x.length === 2) x = x[0]; // [schema, traits]
    else if (Array.isArray(x) && x[0] === 0 && x.length === 5) x = x[4]; // simple schema with traits
    else break;
  }
  return x;
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? "list" : v === null ? "null" : typeof v;
}

/** Every way `value` breaks the schema, as `path: problem`. */
export function validateShape(client: string, value: unknown, schema: Schema, path: string, out: string[], enumOf?: string[]): string[] {
  const s = resolve(schema);
  if (value === undefined || value === null) return out;
  if (typeof s === "number") {
    if (s & 64) {
      if (!Array.isArray(value)) out.push(`${path}: expected a list, got ${typeName(value)}`);
      else value.forEach((v, i) => validateShape(client, v, s & 63, `${path}[${i}]`, out, enumOf));
      return out;
    }
    if (s & 128) {
      if (typeof value !== "object" || Array.isArray(value)) out.push(`${path}: expected a map, got ${typeName(value)}`);
      else for (const [k, v] of Object.entries(value as object)) validateShape(client, v, s & 127, `${path}.${k}`, out);
      return out;
    }
    if (s === 0 && typeof value !== "string") out.push(`${path}: expected a string, got ${typeName(value)} ${JSON.stringify(value)}`);
    else if (s === 1 && typeof value !== "number") out.push(`${path}: expected a number, got ${typeName(value)} ${JSON.stringify(value)}`);
    else if (s === 2 && typeof value !== "boolean") out.push(`${path}: expected a boolean, got ${typeName(value)} ${JSON.stringify(value)}`);
    if (s === 0 && enumOf && typeof value === "string" && !enumOf.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${enumOf.join(", ")}`);
    return out;
  }
  if (!Array.isArray(s)) return out;
  const kind = s[0];
  if (kind === 1) {
    if (!Array.isArray(value)) out.push(`${path}: expected a list, got ${typeName(value)}`);
    else value.forEach((v, i) => validateShape(client, v, s[4], `${path}[${i}]`, out, enumOf));
  } else if (kind === 2) {
    if (typeof value !== "object" || Array.isArray(value)) out.push(`${path}: expected a map, got ${typeName(value)}`);
    else for (const [k, v] of Object.entries(value as object)) validateShape(client, v, s[5], `${path}.${k}`, out);
  } else if (kind === 3) {
    const name = String(s[2]);
    const members = s[4] as string[];
    const schemas = s[5] as Schema[];
    const required = typeof s[6] === "number" ? s[6] : 0;
    if (typeof value !== "object" || Array.isArray(value)) {
      out.push(`${path}: expected a ${name} structure, got ${typeName(value)}`);
      return out;
    }
    const obj = value as Record<string, unknown>;
    for (let i = 0; i < required; i++) {
      if (obj[members[i]] === undefined || obj[members[i]] === null) out.push(`${path}.${members[i]}: required by ${name}, missing`);
    }
    for (const [k, v] of Object.entries(obj)) {
      const i = members.indexOf(k);
      if (i < 0) {
        out.push(`${path}.${k}: ${name} has no member ${k} (members: ${members.join(", ")})`);
        continue;
      }
      validateShape(client, v, schemas[i], `${path}.${k}`, out, enumValues(client, name, k));
    }
  }
  return out;
}
