/**
 * The shapes every rule, the offline evaluator and the CrossGuard pack share. Nothing here imports
 * Pulumi: rules are pure functions over plain JSON, so tests and `npm run plan` run them directly.
 */

/** How a violation is treated: `mandatory` blocks (`pulumi preview` fails, `npm run plan` exits 3). */
export type Level = "mandatory" | "advisory";

/**
 * The value Pulumi puts on the wire for an input that is not known yet (during a preview, e.g. an id
 * of a resource still to be created). The CrossGuard pack turns every unknown sentinel into this one;
 * the mock runtime records it as-is in preview mode. Rules never flag what they cannot know.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What the plan prints (and the mock recorder stores) in place of every secret value. */
export const SECRET = "[secret]";

/** One resource as a rule sees it. */
export interface PolicyResource {
  /** Type token, e.g. `aws:ecs/taskDefinition:TaskDefinition`. */
  type: string;
  urn: string;
  /** Logical (Pulumi) name. */
  name: string;
  /**
   * The resource's inputs exactly as registered through @pulumi/aws (camelCase input names; JSON
   * documents such as `containerDefinitions` or `assumeRolePolicy` as strings). Unknown values are
   * absent or `UNKNOWN`; secrets may be `"[secret]"`.
   */
  props: Record<string, any>;
  /** The explicit provider's props (e.g. `defaultTags`, `region`), when known. */
  provider?: { urn: string; props: Record<string, any> };
  /** Parent URN (component), when known. Used to pair resources built by the same component. */
  parent?: string;
  /** Region the resource is created in, when known (else derived from `provider.props.region`). */
  region?: string;
  /** URNs of the resources whose outputs this resource's inputs use (Pulumi's dependency list), when known. */
  dependencies?: string[];
}

/** What a rule knows about the stack besides the resource it checks. */
export interface PolicyContext {
  stack: string;
  project: string;
  /** Every resource of the stack, for cross-resource rules. */
  resources: PolicyResource[];
  /** The clock for time-bound rules (SSM activation expiry). Defaults to `new Date()`. */
  now?: Date;
}

/** One rule: pure, one file per rule under `policy/rules/`. */
export interface Rule {
  /** Kebab-case, unique; the CrossGuard policy name. */
  name: string;
  description: string;
  /**
   * Fixed, or derived from the stack (e.g. mandatory on `prod*` stacks) and the resource (e.g. a
   * subnet named private). The CrossGuard pack registers a rule with a derived level as two policies:
   * `<name>` (mandatory) and `<name>-advisory`.
   */
  level: Level | ((ctx: PolicyContext, r: PolicyResource) => Level);
  /** Type tokens this rule looks at. */
  types: string[];
  /**
   * True when `check` reads `ctx.resources` (other resources of the stack). The CrossGuard pack runs
   * such rules as stack validations (after all resources are known), the others per resource.
   */
  crossResource?: boolean;
  /** Pure: one message per problem, each saying what to change; empty when compliant. */
  check(r: PolicyResource, ctx: PolicyContext): string[];
}

/** One finding of the evaluator. */
export interface Violation {
  rule: string;
  level: Level;
  urn: string;
  message: string;
}
