/**
 * Adapts the pure rules to CrossGuard (@pulumi/policy) policies. Kept apart from `index.ts` (which
 * constructs the PolicyPack and so starts a gRPC server) so it can be tested; this module only
 * imports @pulumi/policy's types.
 */
import type {
  EnforcementLevel,
  PolicyResource as CgResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { Level, PolicyContext, PolicyResource, Rule, UNKNOWN } from "./types";
import { isUnknown, levelOf, parseUrn } from "./util";

/** @pulumi/policy hands props behind a proxy that throws on unknown values; this key returns the raw object. */
const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * Plain JSON from CrossGuard props: the raw object behind the unknown-checking proxy, with every
 * unknown sentinel replaced by `UNKNOWN` (rules treat it as "cannot know": never a violation).
 */
export function plainProps(value: unknown): any {
  let v: any = value;
  if (v !== null && typeof v === "object") {
    const raw = v[PROXY_TARGET];
    if (raw !== undefined) v = raw;
  }
  if (isUnknown(v)) return UNKNOWN;
  if (Array.isArray(v)) return v.map(plainProps);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plainProps(x);
    return out;
  }
  return v;
}

/** A rule's resource from `validateResource` arguments (props are the resource's inputs). */
export function fromResourceArgs(args: Pick<ResourceValidationArgs, "type" | "urn" | "name" | "props" | "provider" | "opts">): PolicyResource {
  return {
    type: args.type,
    urn: args.urn,
    name: args.name,
    props: plainProps(args.props) ?? {},
    provider: args.provider ? { urn: args.provider.urn, props: plainProps(args.provider.props) ?? {} } : undefined,
    parent: args.opts?.parent || undefined,
  };
}

/** A rule's resource from `validateStack` arguments (props are the resource's outputs). */
export function fromStackResource(r: Pick<CgResource, "type" | "urn" | "name" | "props" | "provider" | "parent" | "dependencies">): PolicyResource {
  return {
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: plainProps(r.props) ?? {},
    provider: r.provider ? { urn: r.provider.urn, props: plainProps(r.provider.props) ?? {} } : undefined,
    parent: r.parent?.urn,
    dependencies: (r.dependencies ?? []).map((d) => d.urn),
  };
}

/** The rule's context for a stack known only through a resource URN. */
export function contextFor(urn: string, resources: PolicyResource[]): PolicyContext {
  const { stack, project } = parseUrn(urn);
  return { stack, project, resources };
}

/** Reports the messages of `rule` on `r` whose level is `only` (or all, when `only` is undefined). */
function report(rule: Rule, r: PolicyResource, ctx: PolicyContext, reportViolation: ReportViolation, only: Level | undefined, withUrn: boolean): void {
  const messages = rule.check(r, ctx);
  if (messages.length === 0) return;
  if (only !== undefined && levelOf(rule, ctx, r) !== only) return;
  for (const m of messages) {
    if (withUrn) reportViolation(m, r.urn);
    else reportViolation(m);
  }
}

/**
 * The CrossGuard policies for the rules. A rule with a fixed level is one policy at that level; a
 * rule whose level depends on the stack or the resource becomes two: `<name>` (mandatory, reports
 * only mandatory findings) and `<name>-advisory` (advisory findings), since CrossGuard fixes the
 * enforcement level per policy. Rules that read other resources run as stack validations.
 */
export function buildPolicies(rules: readonly Rule[]): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const out: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
  for (const rule of rules) {
    const variants: { name: string; level: EnforcementLevel; only: Level | undefined }[] =
      typeof rule.level === "function"
        ? [
            { name: rule.name, level: "mandatory", only: "mandatory" },
            { name: `${rule.name}-advisory`, level: "advisory", only: "advisory" },
          ]
        : [{ name: rule.name, level: rule.level, only: undefined }];
    for (const v of variants) {
      const base = { name: v.name, description: rule.description, enforcementLevel: v.level };
      if (rule.crossResource) {
        out.push({
          ...base,
          validateStack: (args, reportViolation) => {
            const resources = args.resources.map(fromStackResource);
            if (resources.length === 0) return;
            const ctx = contextFor(resources[0].urn, resources);
            for (const r of resources) {
              if (rule.types.includes(r.type)) report(rule, r, ctx, reportViolation, v.only, true);
            }
          },
        });
      } else {
        out.push({
          ...base,
          validateResource: (args, reportViolation) => {
            if (!rule.types.includes(args.type)) return;
            const r = fromResourceArgs(args);
            report(rule, r, contextFor(r.urn, [r]), reportViolation, v.only, false);
          },
        });
      }
    }
  }
  return out;
}
