/**
 * IAM sufficiency, with a real policy evaluator (verify/iam.ts): every role can do what its job
 * needs, and every action in every policy exists and accepts the resource it is granted on.
 *
 * - Execution roles (ECS task definitions, Batch job definitions): create log streams and put log
 *   events in their log group; read exactly the secrets their containers reference (and kms:Decrypt
 *   on the key when the plan encrypts it with a customer key, or the secret is in another account);
 *   pull from private ECR when an image is there.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
 * - Step Functions roles running batch:submitJob.sync: batch:SubmitJob on the job queue and job
 *   definition, batch:DescribeJobs, batch:TerminateJob, and events:PutTargets, events:PutRule,
 *   events:DescribeRule on rule StepFunctionsGetEventsForBatchJobsRule.
 *   https://docs.aws.amazon.com/step-functions/latest/dg/batch-iam.html
 * - Scheduler roles: states:StartExecution on their target state machine.
 *   https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
 * - Flow-log roles: logs:CreateLogStream, PutLogEvents, DescribeLogGroups, DescribeLogStreams.
 *   https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
 * - ECS Anywhere instance roles (SSM activation): SSM agent and ECS agent calls.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/iam-role-ecsanywhere.html
 */
import { Check, CheckResult, Failure } from "../types";
import { ACCOUNT_ID, Model, Res, parseJson } from "../model";
import { T, containersOf } from "../fleet";
import { allows, lintStatement, list, roleOf, roleView, statementsOf } from "../iam";
import { globMatch } from "../alb";

interface Need {
  action: string;
  resource: string;
  why: string;
  /** Request context the caller's request carries (so conditions in the policies evaluate as in AWS). */
  context?: Record<string, string>;
}

/** The ARN a container's `valueFrom` names, as IAM sees the request. */
export function secretResource(valueFrom: string, region: string): { arn: string; kind: "secretsmanager" | "ssm"; account: string; region: string } {
  if (valueFrom.startsWith("arn:")) {
    const parts = valueFrom.split(":");
    const [, , service, r, account] = parts;
    if (service === "secretsmanager") {
      // arn:aws:secretsmanager:R:A:secret:NAME[-XXXXXX][:json-key:stage:id]; Secrets Manager appends a
      // six-character suffix to every secret's name.
      let name = parts[6] ?? "";
      if (!/-[A-Za-z0-9]{6}$/.test(name)) name = `${name}-AbCdEf`;
      return { arn: `${parts.slice(0, 6).join(":")}:${name}`, kind: "secretsmanager", account, region: r };
    }
    return { arn: valueFrom, kind: "ssm", account, region: r };
  }
  // A parameter name in the task's own region and account.
  return { arn: `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter/${valueFrom.replace(/^\//, "")}`, kind: "ssm", account: ACCOUNT_ID, region };
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/;

export const iam: Check = {
  name: "iam",
  description: "every role can do its job (evaluated with AWS's policy logic); every action exists and takes the resource granted",
  async run(model: Model): Promise<CheckResult> {
    const failures: Failure[] = [];
    const needs = new Map<Res, Need[]>();
    const need = (role: Res | undefined, n: Need, owner: Res) => {
      if (!role) {
        failures.push({ urn: owner.urn, message: `${owner.name}: ${n.why} needs a role the plan does not create` });
        return;
      }
      needs.set(role, [...(needs.get(role) ?? []), n]);
    };
    // Secrets each execution role reads, to check it reads no others.
    const secretsOfRole = new Map<Res, string[]>();

    // Execution roles of task and job definitions.
    const defs: { owner: Res; execRole: unknown; containers: any[] }[] = [
      ...model.ofType(T.taskDefinition).map((td) => ({ owner: td, execRole: td.inputs.executionRoleArn, containers: containersOf(td) })),
      ...model.ofType(T.jobDefinition).map((jd) => {
        const cp = parseJson<any>(jd.inputs.containerProperties) ?? {};
        return { owner: jd, execRole: cp.executionRoleArn, containers: [cp] };
      }),
    ];
    for (const d of defs) {
      const role = d.execRole ? roleOf(model, d.execRole, d.owner.at) : undefined;
      for (const c of d.containers) {
        const log = c.logConfiguration;
        const label = `${d.owner.name}${c.name ? ` container ${c.name}` : ""}`;
        if (log?.logDriver === "awslogs" && log.options?.["awslogs-group"]) {
          const region = log.options["awslogs-region"] ?? d.owner.at;
          const stream = `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${log.options["awslogs-group"]}:log-stream:${log.options["awslogs-stream-prefix"] ?? "ecs"}/${c.name ?? "default"}/0123456789abcdef`;
          if (!role) failures.push({ urn: d.owner.urn, message: `${label} writes logs with awslogs but has no execution role; give it one` });
          for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) need(role, { action, resource: stream, why: `${label} logs to ${log.options["awslogs-group"]}` }, d.owner);
        }
        for (const s of (c.secrets as any[]) ?? []) {
          const sr = secretResource(String(s.valueFrom), d.owner.at);
          const action = sr.kind === "secretsmanager" ? "secretsmanager:GetSecretValue" : "ssm:GetParameters";
          need(role, { action, resource: sr.arn, why: `${label} reads secret ${s.name} from ${s.valueFrom}` }, d.owner);
          if (role) secretsOfRole.set(role, [...(secretsOfRole.get(role) ?? []), sr.arn]);
          const key =
            sr.kind === "secretsmanager"
              ? model.ofType("aws:secretsmanager/secret:Secret").find((x) => sr.arn.startsWith(`${x.state.arn}`) || x.state.name === sr.arn.split(":")[6]?.replace(/-[A-Za-z0-9]{6}$/, ""))?.inputs.kmsKeyId
              : model.ofType("aws:ssm/parameter:Parameter").find((x) => sr.arn.endsWith(`parameter/${String(x.state.name).replace(/^\//, "")}`))?.inputs.keyId;
          const keyArn = typeof key === "string" ? (model.ref(key, T.kmsKey)?.state.arn ?? key) : undefined;
          if (keyArn && keyArn.startsWith("arn:aws:kms:")) {
            // The decrypt happens through Secrets Manager / SSM on the role's behalf.
            // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
            const via = `${sr.kind === "secretsmanager" ? "secretsmanager" : "ssm"}.${sr.region}.amazonaws.com`;
            need(role, { action: "kms:Decrypt", resource: keyArn, why: `${label}'s secret ${s.name} is encrypted with ${keyArn}`, context: { "kms:ViaService": via } }, d.owner);
          } else if (sr.account !== ACCOUNT_ID && sr.kind === "secretsmanager") {
            // A secret shared across accounts must be encrypted with a customer managed key, which the
            // reader must be allowed to use. https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html
            if (role) {
              const view = roleView(model, role);
              const grants = view.policies.flatMap((p) => statementsOf(p.document)).some(
                (st) => st.Effect === "Allow" && list(st.Action).some((a) => globMatch(a, "kms:Decrypt", true)) && list(st.Resource).some((r) => r === "*" || globMatch(r.split(":").slice(0, 5).join(":"), `arn:aws:kms:${sr.region}:${sr.account}`, true)),
              );
              if (!grants) failures.push({ urn: role.urn, message: `${label} reads ${s.valueFrom} from account ${sr.account}: a cross-account secret is encrypted with a customer managed key there; allow kms:Decrypt on that key to ${role.state.name}` });
            }
          }
        }
        const ecr = ECR_IMAGE.exec(String(c.image ?? ""));
        if (ecr) {
          need(role, { action: "ecr:GetAuthorizationToken", resource: "*", why: `${label} pulls ${c.image} from private ECR` }, d.owner);
          for (const action of ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]) {
            need(role, { action, resource: `arn:aws:ecr:${ecr[2]}:${ecr[1]}:repository/${ecr[3]}`, why: `${label} pulls ${c.image} from private ECR` }, d.owner);
          }
        }
      }
    }

    // Step Functions roles running Batch jobs.
    for (const sm of model.ofType(T.stateMachine)) {
      const role = roleOf(model, sm.inputs.roleArn, sm.at);
      const def = parseJson<any>(sm.inputs.definition) ?? {};
      const tasks: any[] = [];
      const walk = (states: Record<string, any> | undefined) => {
        for (const st of Object.values(states ?? {})) {
          if (st?.Type === "Task") tasks.push(st);
          for (const b of st?.Branches ?? []) walk(b.States);
          walk(st?.Iterator?.States ?? st?.ItemProcessor?.States);
        }
      };
      walk(def.States);
      for (const t of tasks) {
        const resource = String(t.Resource ?? "");
        if (!resource.startsWith("arn:aws:states:::batch:submitJob")) continue;
        const p = t.Parameters ?? t.Arguments ?? {};
        const why = `state machine ${sm.state.name} runs ${resource.split(":").pop()}`;
        if (typeof p.JobQueue === "string") need(role, { action: "batch:SubmitJob", resource: p.JobQueue, why: `${why} on queue ${p.JobQueue}` }, sm);
        if (typeof p.JobDefinition === "string") {
          const jd = /:\d+$/.test(p.JobDefinition) ? p.JobDefinition : `${p.JobDefinition}:1`;
          need(role, { action: "batch:SubmitJob", resource: jd, why: `${why} with job definition ${p.JobDefinition}` }, sm);
        }
        if (resource.endsWith(".sync")) {
          const region = sm.at;
          need(role, { action: "batch:DescribeJobs", resource: "*", why }, sm);
          need(role, { action: "batch:TerminateJob", resource: `arn:aws:batch:${region}:${ACCOUNT_ID}:job/00000000-0000-0000-0000-000000000000`, why }, sm);
          for (const action of ["events:PutTargets", "events:PutRule", "events:DescribeRule"]) {
            need(role, { action, resource: `arn:aws:events:${region}:${ACCOUNT_ID}:rule/StepFunctionsGetEventsForBatchJobsRule`, why: `${why} (waits through rule StepFunctionsGetEventsForBatchJobsRule)` }, sm);
          }
        }
      }
    }

    // Scheduler roles.
    for (const sc of model.ofType(T.schedule)) {
      const target = (sc.inputs.target as any) ?? {};
      if (!String(target.arn ?? "").includes(":states:")) continue;
      need(roleOf(model, target.roleArn, sc.at), { action: "states:StartExecution", resource: String(target.arn), why: `schedule ${sc.state.name} starts ${target.arn}` }, sc);
    }

    // Flow-log roles.
    for (const fl of model.ofType(T.flowLog)) {
      if ((fl.inputs.logDestinationType ?? "cloud-watch-logs") !== "cloud-watch-logs") continue;
      const group = String(fl.inputs.logDestination ?? "").replace(/:\*$/, "");
      const role = roleOf(model, fl.inputs.iamRoleArn, fl.at);
      const why = `flow log ${fl.name} delivers to ${group}`;
      for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) need(role, { action, resource: `${group}:log-stream:eni-0123456789abcdef0-all`, why }, fl);
      need(role, { action: "logs:DescribeLogGroups", resource: "*", why }, fl);
      need(role, { action: "logs:DescribeLogStreams", resource: group, why }, fl);
    }

    // ECS Anywhere instance roles.
    for (const act of model.ofType(T.activation)) {
      const role = roleOf(model, act.inputs.iamRole, act.at);
      const cluster = model.ofType(T.cluster).find((c) => c.at === act.at && c.state.name === act.inputs.name);
      const clusterArn = String(cluster?.state.arn ?? `arn:aws:ecs:${act.at}:${ACCOUNT_ID}:cluster/${act.inputs.name}`);
      const clusterName = clusterArn.split("/").pop();
      const instance = `arn:aws:ssm:${act.at}:${ACCOUNT_ID}:managed-instance/mi-0123456789abcdef0`;
      const containerInstance = `arn:aws:ecs:${act.at}:${ACCOUNT_ID}:container-instance/${clusterName}/0123456789abcdef0123456789abcdef`;
      const why = `hosts registered by ${act.name} run the SSM and ECS agents`;
      for (const n of [
        { action: "ssm:UpdateInstanceInformation", resource: instance },
        { action: "ssmmessages:CreateControlChannel", resource: "*" },
        { action: "ec2messages:GetMessages", resource: "*" },
        { action: "ecs:RegisterContainerInstance", resource: clusterArn },
        { action: "ecs:DiscoverPollEndpoint", resource: "*" },
        { action: "ecs:Poll", resource: containerInstance },
        { action: "ecs:StartTelemetrySession", resource: containerInstance },
      ]) {
        // The ECS agent's calls name the cluster (condition key ecs:cluster).
        need(role, { ...n, why, context: n.action.startsWith("ecs:") ? { "ecs:cluster": clusterArn } : {} }, act);
      }
    }

    let evaluated = 0;
    for (const [role, list_] of needs) {
      const view = roleView(model, role);
      for (const u of view.unknown) failures.push({ urn: role.urn, message: `role ${role.state.name} has managed policy ${u} attached, whose document verify does not know; add it to verify/managed-policies.ts` });
      for (const n of list_) {
        evaluated++;
        const key = n.action === "kms:Decrypt" ? model.ofType(T.kmsKey).find((k) => k.state.arn === n.resource) : undefined;
        const r = await allows(view, n.action, n.resource, n.context ?? {}, parseJson(key?.inputs.policy));
        if (!r.allowed) {
          failures.push({
            urn: view.policies.find((p) => !p.awsManaged)?.urn ?? role.urn,
            message: `role ${role.state.name} may not ${n.action} on ${n.resource}${r.error ? ` (evaluator: ${r.error})` : ""}, but ${n.why}; allow it`,
          });
        }
      }
    }

    // Exactly the referenced secrets: no grant of a secret read beyond them.
    for (const [role, secrets] of secretsOfRole) {
      for (const p of roleView(model, role).policies.filter((x) => !x.awsManaged)) {
        for (const st of statementsOf(p.document).filter((s) => s.Effect === "Allow")) {
          const reads = list(st.Action).filter((a) => /^(secretsmanager:(GetSecretValue|\*)|ssm:(GetParameters?|\*)|\*)$/i.test(a));
          if (reads.length === 0) continue;
          for (const r of list(st.Resource)) {
            if (!secrets.some((s) => globMatch(r, s, false))) {
              failures.push({ urn: p.urn, message: `role ${role.state.name} may read ${r} (${reads.join(", ")}), which none of its containers references; grant only the secrets they use` });
            }
          }
        }
      }
    }
    // Roles that read secrets without any task referencing one.
    for (const def of defs) {
      const role = def.execRole ? roleOf(model, def.execRole, def.owner.at) : undefined;
      if (!role || secretsOfRole.has(role)) continue;
      for (const p of roleView(model, role).policies.filter((x) => !x.awsManaged)) {
        for (const st of statementsOf(p.document).filter((s) => s.Effect === "Allow")) {
          const reads = list(st.Action).filter((a) => /^(secretsmanager:GetSecretValue|ssm:GetParameters?)$/i.test(a));
          if (reads.length > 0) failures.push({ urn: p.urn, message: `role ${role.state.name} may read ${list(st.Resource).join(", ")} but its containers reference no secret; remove the grant` });
        }
      }
    }

    // Every action of every policy we write exists and takes the resource it is granted on.
    let statements = 0;
    const linted = new Set<string>();
    for (const role of model.ofType(T.role)) {
      for (const p of roleView(model, role).policies) {
        if (p.awsManaged || linted.has(`${p.urn}/${p.name}`)) continue;
        linted.add(`${p.urn}/${p.name}`);
        for (const st of statementsOf(p.document)) {
          statements++;
          for (const problem of await lintStatement(st)) failures.push({ urn: p.urn, message: `policy ${p.name}${st.Sid ? ` statement ${st.Sid}` : ""}: ${problem}` });
        }
      }
    }
    return { check: "iam", examined: { roles: needs.size, permissions: evaluated, statements }, failures };
  },
};
