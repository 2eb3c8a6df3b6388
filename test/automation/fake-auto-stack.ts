/**
 * A recording fake of the Automation API's `Stack` (the seam `openStack` hands the library), and a
 * recording DeploymentChecker. Engine events are what the CLI's event stream carries; results and
 * errors are shaped as @pulumi/pulumi 3.248 builds them.
 */
import type * as auto from "@pulumi/pulumi/automation";
import type { DeployedService, DeploymentChecker } from "../../automation/deployment-check";
import type { FailedDeployment } from "../../automation/errors";
import { type AutomationStack, type OpenStackOptions, SECRET_SIG_KEY, SECRET_SIG_VALUE, openStack } from "../../automation/fleet-stack";
import { FIXTURE_PROJECT, FakeClock } from "./doubles";

export type Call = { method: string; args: unknown[] };

export const EU_PROVIDER = "urn:pulumi:staging::ecs-fleet::pulumi:providers:aws::aws-eu-west-1::p1";
export const SVC = "urn:pulumi:staging::ecs-fleet::ecs-fleet:region:RegionalFootprint$aws:ecs/service:Service::web";
export const WEB_TASK_DEF = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:8";
export const EU_CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/c";

/** The engine's step metadata of the `web` service update, with the state it was given. */
export function serviceStep(op: auto.OpType = "update"): auto.StepEventMetadata {
  const state = { inputs: { name: "web-eu-west-1", cluster: EU_CLUSTER, taskDefinition: WEB_TASK_DEF }, outputs: {}, parent: "", provider: EU_PROVIDER };
  return { op, urn: SVC, type: "aws:ecs/service:Service", provider: EU_PROVIDER, new: state } as unknown as auto.StepEventMetadata;
}

/** A deployment (`pulumi stack export`) whose root Stack resource has these outputs, top-level secrets marked. */
export function deploymentOf(outputs: auto.OutputMap): auto.Deployment {
  const marked = Object.fromEntries(
    Object.entries(outputs).map(([k, o]) => [k, o.secret ? { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, plaintext: JSON.stringify(o.value) } : o.value]),
  );
  return {
    version: 3,
    deployment: { manifest: {}, resources: [{ urn: "urn:pulumi:staging::ecs-fleet::pulumi:pulumi:Stack::ecs-fleet-staging", type: "pulumi:pulumi:Stack", custom: false, outputs: marked }] },
  };
}

/** Records every call; `failures` are thrown by the next resource operations, in order. */
export class FakeAutoStack {
  readonly name = "staging";
  readonly calls: Call[] = [];
  failures: Error[] = [];
  /** Engine events each resource operation emits (before failing, when it fails). */
  events: Array<Partial<auto.EngineEvent>> = [
    { resourcePreEvent: { metadata: serviceStep() } as auto.ResourcePreEvent },
    { resOutputsEvent: { metadata: serviceStep() } as auto.ResOutputsEvent },
    { stdoutEvent: { message: "hi", color: "never" } },
  ];
  config: auto.ConfigMap;
  outputMap: auto.OutputMap = {
    regions: { value: { "eu-west-1": { vpcId: "vpc-1", clusterName: "c", clusterArn: "arn", services: { web: { serviceName: "web-eu-west-1", alarms: [] } } } }, secret: false },
    adminToken: { value: "t0k3n", secret: true },
  };
  /** What `exportStack` returns; default: built from `outputMap`. */
  state?: auto.Deployment;
  historyEntries: auto.UpdateSummary[] = [];
  /** Stack tags (the rollout journal and lease). */
  tags: Record<string, string> = {};

  constructor(raw: Record<string, string>) {
    this.config = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, { value: v, secret: false }]));
  }

  private op(method: string, opts: { onEvent?: (e: auto.EngineEvent) => void } | undefined): void {
    this.calls.push({ method, args: [opts] });
    let seq = 0;
    for (const e of this.events) opts?.onEvent?.({ sequence: ++seq, timestamp: seq, ...e } as auto.EngineEvent);
    const f = this.failures.shift();
    if (f) throw f;
  }

  async getAllConfig(): Promise<auto.ConfigMap> {
    this.calls.push({ method: "getAllConfig", args: [] });
    return this.config;
  }
  async setConfig(key: string, value: auto.ConfigValue, isPath?: boolean): Promise<void> {
    this.calls.push({ method: "setConfig", args: [key, value, isPath] });
  }
  async removeConfig(key: string, isPath?: boolean): Promise<void> {
    this.calls.push({ method: "removeConfig", args: [key, isPath] });
  }
  async up(opts?: auto.UpOptions): Promise<auto.UpResult> {
    this.op("up", opts);
    // As in stack.js: the outputs of an up come from `outputs()` (the OutputMap, top-level secretness only).
    return { stdout: "", stderr: "", outputs: this.outputMap, summary: { resourceChanges: { update: 1, same: 9 } } as auto.UpdateSummary };
  }
  async preview(opts?: auto.PreviewOptions): Promise<auto.PreviewResult> {
    this.op("preview", opts);
    return { stdout: "", stderr: "", changeSummary: { update: 1, same: 9 } };
  }
  async refresh(opts?: auto.RefreshOptions): Promise<auto.RefreshResult> {
    this.op("refresh", opts);
    return { stdout: "", stderr: "", summary: { resourceChanges: { refresh: 10 } } as auto.UpdateSummary };
  }
  async destroy(opts?: auto.DestroyOptions): Promise<auto.DestroyResult> {
    this.op("destroy", opts);
    return { stdout: "", stderr: "", summary: { resourceChanges: { delete: 10 } } as auto.UpdateSummary };
  }
  async outputs(): Promise<auto.OutputMap> {
    this.calls.push({ method: "outputs", args: [] });
    return this.outputMap;
  }
  async exportStack(): Promise<auto.Deployment> {
    this.calls.push({ method: "exportStack", args: [] });
    return this.state ?? deploymentOf(this.outputMap);
  }
  async importStack(state: auto.Deployment): Promise<void> {
    this.calls.push({ method: "importStack", args: [state] });
  }
  async listTags(): Promise<Record<string, string>> {
    return { ...this.tags };
  }
  async setTag(key: string, value: string): Promise<void> {
    this.tags[key] = value;
  }
  async removeTag(key: string): Promise<void> {
    delete this.tags[key];
  }
  async cancel(): Promise<void> {
    this.calls.push({ method: "cancel", args: [] });
    const f = this.failures.shift();
    if (f) throw f;
  }
  async history(pageSize?: number, page?: number, showSecrets?: boolean): Promise<auto.UpdateSummary[]> {
    this.calls.push({ method: "history", args: [pageSize, page, showSecrets] });
    return this.historyEntries;
  }
}

/** Records what it was asked to verify; answers `failing` (default: every deployment fine). */
export class RecordingChecker implements DeploymentChecker {
  readonly asked: DeployedService[][] = [];
  constructor(public failing: Array<Omit<FailedDeployment, "service">> = []) {}
  async verify(services: readonly DeployedService[]): Promise<Array<Omit<FailedDeployment, "service">>> {
    this.asked.push([...services]);
    return this.failing;
  }
}

/** Opens the fixture project's `staging` stack on a fake. */
export async function open(fake: FakeAutoStack, extra: Partial<OpenStackOptions> = {}) {
  const selections: Array<{ args: auto.LocalProgramArgs; options: auto.LocalWorkspaceOptions }> = [];
  const clock = new FakeClock();
  const checker = new RecordingChecker();
  const stack = await openStack({
    stack: "staging",
    workDir: FIXTURE_PROJECT,
    clock,
    deploymentChecker: checker,
    selectStack: async (args, options) => {
      selections.push({ args, options });
      return fake as unknown as AutomationStack;
    },
    ...extra,
  });
  return { stack, selections, clock, checker };
}
