/**
 * Small pure helpers the rules share: knowing whether a value is known, reading JSON documents that
 * @pulumi/aws registers as strings, IAM statements, effective tags, and cross-resource lookups.
 */
import { Level, PolicyContext, PolicyResource, Rule, SECRET, UNKNOWN } from "./types";

/** Every sentinel the Pulumi wire protocol and @pulumi/policy use for "not known during preview". */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** True when `v` is the unknown sentinel (a value computed from outputs not known yet). */
export function isUnknown(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN_SENTINELS.has(v);
}

/** True when `v` is present and known (neither absent, null, unknown, nor a masked secret). */
export function isKnown(v: unknown): boolean {
  return v !== undefined && v !== null && !isUnknown(v) && v !== SECRET;
}

/** True when `v` is present at all (known, unknown or secret): "a value was given". */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

/** The value as an array: arrays as-is, a single value wrapped, absent/unknown as []. */
export function asArray<T = any>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (!isKnown(v)) return [];
  return [v as T];
}

/**
 * A JSON document registered as a string (containerDefinitions, assumeRolePolicy, policy, ...), or
 * already an object (stack validation sees outputs). `undefined` when absent, unknown, secret or
 * not valid JSON: rules then cannot judge the content.
 */
export function parseJson(v: unknown): any {
  if (!isKnown(v)) return undefined;
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** The rule's level for one resource of one stack. */
export function levelOf(rule: Rule, ctx: PolicyContext, r: PolicyResource): Level {
  return typeof rule.level === "function" ? rule.level(ctx, r) : rule.level;
}

/** The region a resource is created in, when known: its own `region` input, then the recorded region, then the provider's. */
export function regionOf(r: PolicyResource): string | undefined {
  for (const v of [r.props.region, r.region, r.provider?.props.region]) {
    if (typeof v === "string" && isKnown(v) && v !== "") return v;
  }
  return undefined;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → stack and project (empty strings when not a URN). */
export function parseUrn(urn: string): { stack: string; project: string } {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(urn);
  return m ? { stack: m[1], project: m[2] } : { stack: "", project: "" };
}

/** Stacks whose name starts with `prod` (prod, prod-eu, production) are production. */
export function isProdStack(stack: string): boolean {
  return /^prod/i.test(stack);
}

/** A string-keyed map from a tags-like value (object or JSON string); {} when unknown. */
function tagMap(v: unknown): Record<string, string> {
  const obj = parseJson(v);
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj)) {
    if (typeof val === "string") out[k] = val;
  }
  return out;
}

/**
 * Effective tags: the provider's `defaultTags.tags` (the aws provider registers `defaultTags` as a
 * JSON string), overlaid by the resource's `tagsAll` (outputs) and `tags`.
 */
export function effectiveTags(r: PolicyResource): Record<string, string> {
  const defaults = parseJson(r.provider?.props.defaultTags);
  return {
    ...tagMap(defaults && typeof defaults === "object" ? defaults.tags : undefined),
    ...tagMap(r.props.tagsAll),
    ...tagMap(r.props.tags),
  };
}

/** One IAM policy statement, normalized: arrays for Action/Resource, Effect defaulting to Allow. */
export interface Statement {
  sid?: string;
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  principal: unknown;
  notPrincipal: unknown;
}

/** The statements of an IAM policy document (string or object); [] when not readable. */
export function statements(doc: unknown): Statement[] {
  const parsed = parseJson(doc);
  if (!parsed || typeof parsed !== "object") return [];
  const raw = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  return raw
    .filter((s: unknown) => s && typeof s === "object")
    .map((s: any) => ({
      sid: typeof s.Sid === "string" ? s.Sid : undefined,
      effect: typeof s.Effect === "string" ? s.Effect : "Allow",
      actions: asArray<string>(s.Action).filter((a) => typeof a === "string"),
      notActions: asArray<string>(s.NotAction).filter((a) => typeof a === "string"),
      resources: asArray<string>(s.Resource).filter((a) => typeof a === "string"),
      principal: s.Principal,
      notPrincipal: s.NotPrincipal,
    }));
}

/** How a statement is named in messages: its Sid, else its position. */
export function statementLabel(s: Statement, index: number): string {
  return s.sid ? `statement "${s.sid}"` : `statement ${index + 1}`;
}

/** IAM action pattern match (`*` and `?` wildcards, case-insensitive), e.g. `iam:Pass*` matches `iam:PassRole`. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    "^" + pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("") + "$",
    "i",
  );
  return re.test(action);
}

/** Load balancer type tokens (the `aws:alb` module is an alias of `aws:lb`). */
export const LB_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
/** Listener type tokens. */
export const LISTENER_TYPES = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
/** Target group type tokens. */
export const TARGET_GROUP_TYPES = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"];
/** ECS task definition type token. */
export const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
export const BATCH_JOB_DEFINITION = "aws:batch/jobDefinition:JobDefinition";

/** One container of a task definition, with the fields rules read. */
export interface ContainerDef {
  name?: string;
  privileged?: unknown;
  readonlyRootFilesystem?: unknown;
  logConfiguration?: unknown;
  environment?: unknown;
  secrets?: unknown;
  [key: string]: unknown;
}

/** The containers of a task definition; undefined when `containerDefinitions` cannot be read. */
export function containers(r: PolicyResource): ContainerDef[] | undefined {
  if (r.type === BATCH_JOB_DEFINITION) {
    // A Batch container job has one container, described by containerProperties.
    const job = parseJson(r.props.containerProperties);
    return job && typeof job === "object" && !Array.isArray(job) ? [{ name: r.name, ...(job as object) } as ContainerDef] : undefined;
  }
  const parsed = parseJson(r.props.containerDefinitions);
  return Array.isArray(parsed) ? parsed.filter((c) => c && typeof c === "object") : undefined;
}

/** How a container is named in messages. */
export function containerLabel(c: ContainerDef, index: number): string {
  return typeof c.name === "string" && c.name !== "" ? `container "${c.name}"` : `container ${index + 1}`;
}
