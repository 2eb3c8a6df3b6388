/**
 * The policy pack as `pulumi preview --policy-pack policy` runs it: Pulumi's own policy-pack runner
 * (`@pulumi/pulumi/cmd/run-policy-pack`, which compiles the pack's TypeScript with ts-node) starts
 * `policy/`, and we talk to its gRPC analyzer like the engine does. Slow (the runner type-checks the
 * pack): one process for the whole suite.
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { rules } from "../../policy/rules";

const grpc = require("@grpc/grpc-js");
const apb = require("@pulumi/pulumi/proto/analyzer_pb.js");
const agrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js");

const PACK_DIR = path.join(__dirname, "../../policy");
const UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("policy pack (served by Pulumi's policy-pack runner)", function () {
  this.timeout(180_000);
  let child: ChildProcess | undefined;
  let client: any;
  let stderr = "";

  const call = (method: string, req: unknown): Promise<any> =>
    new Promise((resolve, reject) => client[method](req, (e: Error | null, r: any) => (e ? reject(e) : resolve(r))));

  function resource(type: string, name: string, props: Record<string, unknown>, stack = "prod"): any {
    const r = new apb.AnalyzerResource();
    r.setType(type);
    r.setName(name);
    r.setUrn(`urn:pulumi:${stack}::ecs-fleet::${type}::${name}`);
    r.setProperties(Struct.fromJavaScript(props));
    r.setOptions(new apb.AnalyzerResourceOptions());
    return r;
  }

  before(async () => {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack/index.js");
    child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.on("data", (d) => (stderr += String(d)));
    const port = await new Promise<string>((resolve, reject) => {
      child!.stdout!.once("data", (d) => resolve(String(d).trim()));
      child!.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
    });
    expect(port).to.match(/^\d+$/);
    client = new agrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    child?.kill();
  });

  it("serves the pack ecs-fleet-security with every rule", async () => {
    const info = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).to.equal("ecs-fleet-security");
    const names: string[] = info.getPoliciesList().map((p: any) => p.getName());
    for (const r of rules) expect(names, r.name).to.include(r.name);
  });

  it("reports a resource violation at its level, and nothing for unknown inputs", async () => {
    const req = new apb.AnalyzeRequest();
    const r = resource("aws:ecs/taskDefinition:TaskDefinition", "web", {
      containerDefinitions: JSON.stringify([{ name: "web", image: "nginx", privileged: true, readonlyRootFilesystem: true, logConfiguration: { logDriver: "awslogs" } }]),
      requiresCompatibilities: ["FARGATE"],
      networkMode: UNKNOWN_WIRE,
      tags: { Project: "ecs-fleet", Stack: "prod", Region: "eu-west-1" },
    });
    req.setType(r.getType());
    req.setName(r.getName());
    req.setUrn(r.getUrn());
    req.setProperties(r.getProperties());
    req.setOptions(new apb.AnalyzerResourceOptions());
    const resp = await call("analyze", req);
    const found = resp.getDiagnosticsList().map((d: any) => `${d.getPolicyname()}:${d.getEnforcementlevel()}`);
    // EnforcementLevel enum: 0 advisory, 1 mandatory.
    expect(found).to.deep.equal(["ecs-task-no-privileged:1"]);
    expect(resp.getDiagnosticsList()[0].getMessage()).to.include('container "web" runs privileged');
  });

  it("runs cross-resource rules over the stack", async () => {
    const req = new apb.AnalyzeStackRequest();
    req.setResourcesList([
      resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh", { securityGroupId: "sg-1", cidrIpv4: "0.0.0.0/0", fromPort: 22, toPort: 22, ipProtocol: "tcp", description: "ssh" }),
      resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "https", { securityGroupId: "sg-1", cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443, ipProtocol: "tcp", description: "https" }),
      resource("aws:lb/loadBalancer:LoadBalancer", "alb", { securityGroups: ["sg-1"] }),
    ]);
    const resp = await call("analyzeStack", req);
    const found = resp.getDiagnosticsList().map((d: any) => `${d.getPolicyname()}:${d.getUrn().split("::").pop()}`);
    expect(found).to.deep.equal(["sg-no-public-ingress:ssh"]);
  });
});
