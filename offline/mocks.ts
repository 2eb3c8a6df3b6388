/**
 * The mock runtime shared by `npm run plan` and the tests: deterministic mocks that answer like AWS
 * would (ids, ARNs with the right region and account, AZ names, the awsx Vpc's output shape), and one
 * recorder that sees every registration exactly as the engine would (type, name, parent, provider,
 * region, inputs with secrets masked, resource options).
 *
 * Nothing here is imported by the program itself: `pulumi up` and the plan run the same `program.ts`,
 * only the runtime differs.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** The account every mock ARN uses. */
export const MOCK_ACCOUNT_ID = "123456789012";

/** What the plan prints in place of every secret value. */
export const SECRET_PLACEHOLDER = "[secret]";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** One registered resource, as the engine would see it. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** Parent URN, or null for the stack's direct children. */
  parent: string | null;
  /** URN of the explicit provider the resource uses, or null (components, the stack). */
  provider: string | null;
  /** Providers handed to a (remote) component, by package. */
  providers: Record<string, string>;
  /** Region of the provider the resource uses; null where none applies. */
  region: string | null;
  custom: boolean;
  remote: boolean;
  /** Inputs as registered; every secret value replaced by `[secret]`. */
  inputs: Record<string, unknown>;
  /** Top-level input keys whose value was (or contained) a secret. */
  secretInputs: string[];
  /** Resource options that matter for review. */
  options: {
    ignoreChanges: string[];
    additionalSecretOutputs: string[];
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
    protect: boolean;
    dependsOn: string[];
    retainOnDelete: boolean;
    /** Aliases as registered: URNs, or `{ name, type, parent, stack, project }` specs. */
    aliases: unknown[];
    /** `customTimeouts` (e.g. "30m"); empty strings when not set. */
    customTimeouts: { create: string; update: string; delete: string };
  };
  /**
   * What the resource waits for: every resource the engine orders it after, with `explicit` when
   * named in `dependsOn` and `inputs` listing the input keys whose values come from it.
   */
  dependencies: RecordedDependency[];
}

/** One edge of the dependency graph the engine orders operations by. */
export interface RecordedDependency {
  urn: string;
  /** Named in `dependsOn` (directly, or as a child of a component named there). */
  explicit: boolean;
  /** Top-level input keys whose value comes from this resource. */
  inputs: string[];
}

/** One provider function call (data source), as the engine would see it. */
export interface RecordedInvoke {
  token: string;
  provider: string | null;
  region: string | null;
  inputs: Record<string, unknown>;
}

function shortHash(text: string, length = 8): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Replaces secret wire values by the placeholder; returns whether any was found. */
function maskSecrets(value: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    let secret = false;
    const out = value.map((v) => {
      const m = maskSecrets(v);
      secret = secret || m.secret;
      return m.value;
    });
    return { value: out, secret };
  }
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG_KEY] === SECRET_SIG) return { value: SECRET_PLACEHOLDER, secret: true };
    if (obj[SECRET_SIG_KEY] === RESOURCE_SIG) return { value: obj["urn"], secret: false };
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const m = maskSecrets(v);
      secret = secret || m.secret;
      out[k] = m.value;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/** `urn::id` provider reference → URN. */
function providerUrn(ref: string | undefined): string | null {
  if (!ref) return null;
  const i = ref.lastIndexOf("::");
  return i > 0 ? ref.slice(0, i) : ref;
}

/** The AZ names AWS gives a region (a, b, c, ...). */
export function mockAzNames(region: string, count = 6): string[] {
  return "abcdef".slice(0, count).split("").map((l) => `${region}${l}`);
}

/**
 * Per-type outputs on top of the generic `{...inputs, id, arn, name}`. Extend it when a component
 * reads an output the generic shape lacks.
 */
type StateFn = (ctx: { name: string; physicalName: string; region: string; inputs: any; id: string }) => Record<string, unknown>;

const typeStates: Record<string, StateFn> = {
  "awsx:ec2:Vpc": ({ name, region, inputs }) => {
    const azs = Number(inputs.numberOfAvailabilityZones ?? 3);
    const names = mockAzNames(region, azs);
    const vpcId = `vpc-${shortHash(`${region}/${name}`, 17)}`;
    return {
      vpcId,
      publicSubnetIds: names.map((az) => `subnet-pub-${shortHash(`${vpcId}/${az}/public`, 12)}`),
      privateSubnetIds: names.map((az) => `subnet-priv-${shortHash(`${vpcId}/${az}/private`, 12)}`),
      isolatedSubnetIds: [],
      natGateways: [],
      eips: [],
      routeTables: [],
      routeTableAssociations: [],
      routes: [],
      subnets: [],
      subnetLayout: [],
    };
  },
  "aws:iam/role:Role": ({ physicalName }) => ({
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${physicalName}`,
    uniqueId: `AROA${shortHash(physicalName, 16).toUpperCase()}`,
  }),
  "aws:iam/policy:Policy": ({ physicalName }) => ({
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${physicalName}`,
  }),
  "aws:lb/loadBalancer:LoadBalancer": ({ physicalName, region, id }) => ({
    arnSuffix: `app/${physicalName}/${id.slice(-16)}`,
    dnsName: `${physicalName}-${shortHash(physicalName, 10)}.${region}.elb.amazonaws.com`,
    zoneId: "Z32O12XQLNTSW2",
  }),
  "aws:lb/targetGroup:TargetGroup": ({ physicalName, id }) => ({
    arnSuffix: `targetgroup/${physicalName}/${id.slice(-16)}`,
  }),
  "aws:acm/certificate:Certificate": ({ inputs }) => {
    const domain = String(inputs.domainName ?? "example.com");
    const base = domain.replace(/^\*\./, "");
    return {
      status: "PENDING_VALIDATION",
      domainValidationOptions: [
        {
          domainName: domain,
          resourceRecordName: `_${shortHash(base, 32)}.${base}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${shortHash(`${base}/value`, 32)}.acm-validations.aws.`,
        },
      ],
    };
  },
  "aws:route53/record:Record": ({ inputs }) => ({
    fqdn: String(inputs.name ?? "").replace(/\.$/, ""),
  }),
  "aws:route53/healthCheck:HealthCheck": ({ id }) => ({
    id,
  }),
  "aws:ssm/activation:Activation": ({ id }) => ({
    activationCode: `mock-activation-code-${id.slice(-8)}`,
    // A fresh activation: not expired, nothing registered yet.
    expired: false,
    registrationCount: 0,
  }),
  // S3 names a bucket `bucket` (or `bucketPrefix` + a unique suffix); its ARN has no region or account.
  "aws:s3/bucket:Bucket": ({ name, inputs }) => {
    const bucket = typeof inputs.bucket === "string" ? inputs.bucket : `${inputs.bucketPrefix ?? `${name}-`}${shortHash(name, 26)}`;
    return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com` };
  },
  "aws:cloudwatch/logGroup:LogGroup": ({ physicalName, region }) => ({
    arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT_ID}:log-group:${physicalName}`,
  }),
  "aws:batch/computeEnvironment:ComputeEnvironment": ({ physicalName, region }) => ({
    arn: `arn:aws:batch:${region}:${MOCK_ACCOUNT_ID}:compute-environment/${physicalName}`,
  }),
  "aws:batch/jobQueue:JobQueue": ({ physicalName, region }) => ({
    arn: `arn:aws:batch:${region}:${MOCK_ACCOUNT_ID}:job-queue/${physicalName}`,
  }),
  // A job definition's ARN carries its revision; arnPrefix does not.
  "aws:batch/jobDefinition:JobDefinition": ({ physicalName, region }) => ({
    arn: `arn:aws:batch:${region}:${MOCK_ACCOUNT_ID}:job-definition/${physicalName}:1`,
    arnPrefix: `arn:aws:batch:${region}:${MOCK_ACCOUNT_ID}:job-definition/${physicalName}`,
    revision: 1,
  }),
  "aws:sfn/stateMachine:StateMachine": ({ physicalName, region }) => ({
    arn: `arn:aws:states:${region}:${MOCK_ACCOUNT_ID}:stateMachine:${physicalName}`,
  }),
  "aws:scheduler/schedule:Schedule": ({ physicalName, region, inputs }) => ({
    arn: `arn:aws:scheduler:${region}:${MOCK_ACCOUNT_ID}:schedule/${inputs.groupName ?? "default"}/${physicalName}`,
  }),
};

function arnFor(type: string, region: string, physicalName: string): string {
  // aws:ecs/cluster:Cluster -> service "ecs", kind "cluster"
  const m = /^aws:([^/]+)\/([^:]+):/.exec(type);
  const service = m ? m[1].toLowerCase() : "mock";
  const kind = m ? m[2].toLowerCase() : "resource";
  return `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${kind}/${physicalName}`;
}

/**
 * The id and state the mock engine answers a registration with. Pure and deterministic, so the
 * verifier (verify/model.ts) can recompute the ids and ARNs a recorded plan refers to.
 */
export function mockState(type: string, name: string, inputs: Record<string, any>, region: string): { id: string; state: Record<string, any> } {
  const id = `${name}-${shortHash(`${type}::${name}`)}`;
  if (type.startsWith("pulumi:providers:")) {
    return { id, state: { ...inputs } };
  }
  const explicit = typeof inputs.name === "string" ? (inputs.name as string) : undefined;
  const prefix = typeof inputs.namePrefix === "string" ? (inputs.namePrefix as string) : undefined;
  const physicalName = explicit ?? `${prefix ?? `${name}-`}${shortHash(name, 7)}`;
  const base: Record<string, unknown> = {
    ...inputs,
    id,
    name: physicalName,
    arn: arnFor(type, region, physicalName),
  };
  const extra = typeStates[type]?.({ name, physicalName, region, inputs, id }) ?? {};
  return { id, state: { ...base, ...extra } };
}

/**
 * Records every registration and invoke, and answers them deterministically. One instance per
 * process: call `reset()` between runs (tests) to forget what was recorded.
 */
export class Recorder {
  readonly resources: RecordedResource[] = [];
  readonly invokes: RecordedInvoke[] = [];
  /** provider URN -> region, from the providers' own inputs. */
  private readonly providerRegions = new Map<string, string>();
  /** URN -> recorded region of every resource so far (a component's children look their parent up: O(1), not a scan). */
  private readonly regionByUrn = new Map<string, string | null>();
  /** Region used when a resource has no provider (only in a broken program; tests flag it). */
  fallbackRegion = "us-east-1";

  reset(): void {
    this.resources.length = 0;
    this.invokes.length = 0;
    this.providerRegions.clear();
    this.regionByUrn.clear();
  }

  /**
   * Puts a finished run's records back (test/helpers.ts `sharedRun` replays a memoized run so tests
   * that read the recorder see what the program registered without running it again).
   */
  load(resources: readonly RecordedResource[], invokes: readonly RecordedInvoke[]): void {
    this.reset();
    for (const r of resources) {
      this.resources.push(r);
      this.regionByUrn.set(r.urn, r.region);
      if (r.type.startsWith("pulumi:providers:") && r.region) this.providerRegions.set(r.urn, r.region);
    }
    this.invokes.push(...invokes);
  }

  regionOf(providerRef: string | null | undefined): string | null {
    const urn = providerUrn(providerRef ?? undefined);
    return urn ? (this.providerRegions.get(urn) ?? null) : null;
  }

  /** The `pulumi.runtime.Mocks` answering for AWS. */
  readonly mocks: pulumi.runtime.Mocks = {
    newResource: (args: pulumi.runtime.MockResourceArgs): { id: string; state: any } =>
      mockState(args.type, args.name, args.inputs, this.regionOf(args.provider) ?? this.fallbackRegion),
    call: (args: pulumi.runtime.MockCallArgs): Record<string, any> => {
      const region = this.regionOf(args.provider);
      this.invokes.push({ token: args.token, provider: providerUrn(args.provider), region, inputs: args.inputs });
      const r = region ?? this.fallbackRegion;
      switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`, userId: "AIDAMOCK", id: MOCK_ACCOUNT_ID };
        case "aws:index/getRegion:getRegion":
          return { name: r, region: r, id: r, endpoint: `ec2.${r}.amazonaws.com`, description: r };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
          const names = mockAzNames(r);
          return { names, zoneIds: names.map((_, i) => `${r.replace(/-/g, "")}-az${i + 1}`), id: r };
        }
        case "aws:route53/getZone:getZone":
          return { zoneId: `Z${shortHash(String(args.inputs.name), 12).toUpperCase()}`, name: args.inputs.name, id: "zone" };
        default:
          return args.inputs;
      }
    },
  };

  /**
   * Wraps the mock monitor so every registration is recorded with what `MockResourceArgs` leaves out
   * (parent, providers map, options). Call right after `setMocks` (the runtime's monitor), or give
   * the monitor to wrap (offline/engine.ts serves one over gRPC).
   */
  attach(monitor: any = (pulumi.runtime as any).getMonitor()): void {
    if (!monitor || typeof monitor.registerResource !== "function") {
      throw new Error("Recorder.attach: call pulumi.runtime.setMocks first");
    }
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
      const type: string = req.getType();
      const name: string = req.getName();
      const rawInputs = req.getObject()?.toJavaScript() ?? {};
      const inputs: Record<string, unknown> = {};
      const secretInputs: string[] = [];
      for (const [k, v] of Object.entries(rawInputs)) {
        const m = maskSecrets(v);
        inputs[k] = m.value;
        if (m.secret) secretInputs.push(k);
      }
      const provider = providerUrn(req.getProvider());
      const inputDeps = new Map<string, string[]>();
      req.getPropertydependenciesMap()?.forEach((v: any, k: string) => {
        for (const urn of v.getUrnsList() as string[]) inputDeps.set(urn, [...(inputDeps.get(urn) ?? []), k]);
      });
      const dependencies: RecordedDependency[] = (req.getDependenciesList() as string[]).map((urn) => ({
        urn,
        // The SDK sends dependsOn and input dependencies as one list; what no input accounts for was named in dependsOn.
        explicit: !inputDeps.has(urn),
        inputs: [...(inputDeps.get(urn) ?? [])].sort(),
      }));
      const aliases: unknown[] = [
        ...(req.getAliasurnsList?.() ?? []),
        ...(req.getAliasesList?.() ?? []).map((a: any) => {
          if (a.hasSpec?.()) {
            const spec = a.getSpec();
            return { name: spec.getName() || undefined, type: spec.getType() || undefined, parent: spec.getParenturn() || undefined, stack: spec.getStack() || undefined, project: spec.getProject() || undefined };
          }
          return a.getUrn?.() ?? a.toObject?.();
        }),
      ];
      const providers: Record<string, string> = {};
      req.getProvidersMap()?.forEach((v: string, k: string) => {
        providers[k] = providerUrn(v) ?? v;
      });
      return original(req, (err: any, resp: any) => {
        if (!err && resp) {
          const urn: string = resp.getUrn();
          if (type.startsWith("pulumi:providers:") && typeof rawInputs.region === "string") {
            this.providerRegions.set(urn, rawInputs.region);
          }
          const regionProvider = provider ?? providers["aws"] ?? null;
          const parentUrn: string | null = req.getParent() || null;
          const region = type.startsWith("pulumi:providers:")
            ? ((rawInputs.region as string | undefined) ?? null)
            : regionProvider
              ? (this.providerRegions.get(regionProvider) ?? null)
              : // A component without a provider of its own is where its parent is.
                (parentUrn ? (this.regionByUrn.get(parentUrn) ?? null) : null);
          this.regionByUrn.set(urn, region);
          this.resources.push({
            urn,
            type,
            name,
            parent: parentUrn,
            provider,
            providers,
            region,
            custom: req.getCustom(),
            remote: req.getRemote(),
            inputs,
            secretInputs,
            options: {
              ignoreChanges: req.getIgnorechangesList(),
              additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
              deleteBeforeReplace: req.getDeletebeforereplace(),
              replaceOnChanges: req.getReplaceonchangesList(),
              protect: req.getProtect() ?? false,
              dependsOn: req.getDependenciesList(),
              retainOnDelete: req.getRetainondelete() ?? false,
              aliases,
              customTimeouts: {
                create: req.getCustomtimeouts()?.getCreate() ?? "",
                update: req.getCustomtimeouts()?.getUpdate() ?? "",
                delete: req.getCustomtimeouts()?.getDelete() ?? "",
              },
            },
            dependencies,
          });
        }
        callback(err, resp);
      });
    };
  }

  /** Resources of one type token. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of a type whose logical name matches; throws when there is not exactly one. */
  one(type: string, name?: string | RegExp): RecordedResource {
    const found = this.ofType(type).filter((r) =>
      name === undefined ? true : typeof name === "string" ? r.name === name : name.test(r.name),
    );
    if (found.length !== 1) {
      throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0];
  }
}

/**
 * Resolves a value holding Outputs to plain JSON with every secret replaced by `[secret]`.
 * Used for stack outputs in the plan and in tests.
 */
export async function resolveMasked(value: unknown): Promise<unknown> {
  const serialized = await pulumi.runtime.serializeProperties("outputs", { value: value as pulumi.Input<unknown> });
  return maskSecrets(serialized.value).value;
}

/** Waits until every pending registration has been answered (outputs of all resources resolve). */
export async function settle(): Promise<void> {
  // Resource registration is async; give the runtime turns until the recorded count stops changing.
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setImmediate(r));
  }
  await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
}

/**
 * Points the (already set) mock runtime at another project/stack without replacing the monitor, so
 * one process can run the program for several stacks with the one recorder.
 */
export function useStack(project: string, stack: string): void {
  const store = require("@pulumi/pulumi/runtime/state").getStore();
  store.settings.options.project = project;
  store.settings.options.stack = stack;
}
