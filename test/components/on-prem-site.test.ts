import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { recorder } from "../setup";
import { registered, valueOf } from "../helpers";
import { ECS_PGP_FINGERPRINT, INSTALL_SCRIPT_URL, OnPremSite, registrationCommand } from "../../components/on-prem-site";
import { SitePlan, SiteServiceSpec, siteDeployment } from "../../stacks/plan";

function service(name: string, extra: Partial<SiteServiceSpec> = {}): SiteServiceSpec {
  const desiredCount = extra.desiredCount ?? 2;
  const oneTaskPerHost = extra.oneTaskPerHost ?? true;
  return {
    name,
    serviceName: name,
    family: `ecs-fleet-test-ams-dc-${name}`,
    image: "public.ecr.aws/nginx/nginx:1.27",
    cpu: 256,
    memory: 512,
    desiredCount,
    containerPort: 8080,
    oneTaskPerHost,
    deployment: siteDeployment(desiredCount, oneTaskPerHost),
    environment: {},
    secrets: {},
    readonlyRootFilesystem: false,
    deploymentWait: { waitForSteadyState: true, timeoutMinutes: 30 },
    ...extra,
  };
}

function sitePlan(extra: Partial<SitePlan> = {}): SitePlan {
  return {
    site: "ams-dc",
    region: "eu-west-1",
    partition: "aws",
    providerName: "aws-eu-west-1",
    hosts: 3,
    networkMode: "bridge",
    clusterName: "ecs-fleet-test-ams-dc",
    instanceRoleName: "ecs-fleet-test-ams-dc-instance",
    executionRoleName: "ecs-fleet-test-ams-dc-exec",
    logGroupName: "/ecs-fleet/test/sites/ams-dc",
    logRetentionDays: 30,
    activation: { expires: "2026-12-20", expirationDate: "2026-12-20T00:00:00Z", registrationLimit: 5, expired: false, instanceName: "ecs-fleet-test-ams-dc" },
    services: [service("web"), service("worker", { containerPort: undefined, oneTaskPerHost: false, desiredCount: 4, deployment: siteDeployment(4, false) })],
    ...extra,
  };
}

function newSite(plan: SitePlan): { site: OnPremSite; provider: aws.Provider } {
  const provider = new aws.Provider(`aws-${plan.region}`, { region: plan.region as aws.Region });
  return { site: new OnPremSite(`site-${plan.site}`, { plan }, { provider }), provider };
}

describe("OnPremSite", () => {
  it("creates the site's cluster with Container Insights, roles, log group and activation on the given provider", async () => {
    const { site } = newSite(sitePlan());
    expect(await valueOf(site.clusterName)).to.equal("ecs-fleet-test-ams-dc");
    expect(await valueOf(site.clusterArn)).to.equal("arn:aws:ecs:eu-west-1:123456789012:cluster/ecs-fleet-test-ams-dc");
    await registered();

    const component = recorder.one("ecs-fleet:onprem:OnPremSite", "site-ams-dc");
    const provider = recorder.one("pulumi:providers:aws", "aws-eu-west-1");
    expect(component.providers.aws).to.equal(provider.urn);
    for (const r of recorder.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) {
      expect(r.provider, `${r.type} ${r.name}`).to.equal(provider.urn);
      expect(r.region, `${r.type} ${r.name}`).to.equal("eu-west-1");
    }
    // Every direct child's parent is the component (or one of its ExternalServices).
    const componentUrns = new Set(recorder.resources.filter((r) => r.type.startsWith("ecs-fleet:onprem:")).map((r) => r.urn));
    for (const r of recorder.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) {
      expect(componentUrns.has(r.parent!), `${r.type} ${r.name} parent ${r.parent}`).to.equal(true);
    }

    const cluster = recorder.one("aws:ecs/cluster:Cluster");
    expect(cluster.inputs).to.deep.include({ name: "ecs-fleet-test-ams-dc", settings: [{ name: "containerInsights", value: "enabled" }] });
    expect(recorder.ofType("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")).to.have.length(0);

    const instance = recorder.one("aws:iam/role:Role", "site-ams-dc-instance");
    expect(instance.inputs.name).to.equal("ecs-fleet-test-ams-dc-instance");
    // Confused-deputy guards: only SSM acting for this account, from this account's SSM in the site's region.
    expect(JSON.parse(instance.inputs.assumeRolePolicy as string)).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "ssm.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { ArnLike: { "aws:SourceArn": "arn:aws:ssm:eu-west-1:123456789012:*" }, StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
    const exec = recorder.one("aws:iam/role:Role", "site-ams-dc-exec");
    expect(exec.inputs.name).to.equal("ecs-fleet-test-ams-dc-exec");
    const execTrust = JSON.parse(exec.inputs.assumeRolePolicy as string).Statement[0];
    expect(execTrust.Principal).to.deep.equal({ Service: "ecs-tasks.amazonaws.com" });
    expect(execTrust.Condition).to.deep.equal({ ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:123456789012:*" }, StringEquals: { "aws:SourceAccount": "123456789012" } });
    // A scoped inline policy in place of AmazonECSTaskExecutionRolePolicy: public images need no ECR grant.
    const execPolicy = recorder.one("aws:iam/rolePolicy:RolePolicy", "site-ams-dc-exec");
    expect(JSON.parse(execPolicy.inputs.policy as string).Statement).to.deep.equal([
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs-fleet/test/sites/ams-dc:*"] },
    ]);
    // Each EXTERNAL task definition waits for the execution role's permissions.
    for (const td of recorder.ofType("aws:ecs/taskDefinition:TaskDefinition")) expect(td.options.dependsOn).to.include(execPolicy.urn);

    const attachments = recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [a.inputs.role, a.inputs.policyArn]);
    expect(attachments).to.have.deep.members([
      ["ecs-fleet-test-ams-dc-instance", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
      ["ecs-fleet-test-ams-dc-instance", "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"],
    ]);

    expect(recorder.one("aws:cloudwatch/logGroup:LogGroup").inputs).to.deep.include({ name: "/ecs-fleet/test/sites/ams-dc", retentionInDays: 30 });

    const activation = recorder.one("aws:ssm/activation:Activation");
    expect(activation.inputs).to.deep.equal({
      name: "ecs-fleet-test-ams-dc",
      description: "ECS Anywhere hosts of site ams-dc",
      iamRole: "ecs-fleet-test-ams-dc-instance",
      registrationLimit: 5,
      expirationDate: "2026-12-20T00:00:00Z",
    });
    expect(activation.options.additionalSecretOutputs).to.deep.equal(["activationCode"]);
    // Registered only after the instance role has its policies.
    const instanceAttachments = recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === "ecs-fleet-test-ams-dc-instance");
    expect(activation.options.dependsOn).to.include.members(instanceAttachments.map((a) => a.urn));
  });

  it("keeps the activation code secret in every output that carries it", async () => {
    const { site } = newSite(sitePlan());
    expect(await pulumi.isSecret(site.activationCode!)).to.equal(true);
    expect(await pulumi.isSecret(site.registrationCommand!)).to.equal(true);
    // (The resource's own activationCode is made secret by the engine through additionalSecretOutputs,
    // which the mock monitor does not apply: the option itself is asserted above. The outputs below are
    // secret on their own, whatever the engine does.)
    expect(await pulumi.isSecret(site.activationId!)).to.equal(false);
    const code = await valueOf(site.activationCode!);
    expect(code).to.match(/^mock-activation-code-/);
    expect(await valueOf(site.registrationCommand!)).to.include(`--activation-code '${code}'`);
    expect(await valueOf(site.activationExpires!)).to.equal("2026-12-20T00:00:00Z");
  });

  it("builds an EXTERNAL task definition per service: bridge/host networking, host port, memory reservation, awslogs", async () => {
    newSite(sitePlan());
    await registered();
    const web = recorder.one("aws:ecs/taskDefinition:TaskDefinition", "site-ams-dc-web");
    expect(web.inputs).to.deep.include({
      family: "ecs-fleet-test-ams-dc-web",
      requiresCompatibilities: ["EXTERNAL"],
      networkMode: "bridge",
      executionRoleArn: "arn:aws:iam::123456789012:role/ecs-fleet-test-ams-dc-exec",
    });
    expect(web.inputs).to.not.have.any.keys("cpu", "memory");
    expect(JSON.parse(web.inputs.containerDefinitions as string)).to.deep.equal([
      {
        name: "web",
        image: "public.ecr.aws/nginx/nginx:1.27",
        essential: true,
        cpu: 256,
        memoryReservation: 512,
        readonlyRootFilesystem: false,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }],
        environment: [],
        secrets: [],
        logConfiguration: {
          logDriver: "awslogs",
          options: { "awslogs-group": "/ecs-fleet/test/sites/ams-dc", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web" },
        },
      },
    ]);
    const worker = JSON.parse(recorder.one("aws:ecs/taskDefinition:TaskDefinition", "site-ams-dc-worker").inputs.containerDefinitions as string);
    expect(worker[0].portMappings).to.deep.equal([]);
  });

  it("puts the services' environment (sorted), secrets and read-only root filesystem into the EXTERNAL container", async () => {
    const web = service("web", {
      environment: { LOG_LEVEL: "info", APP_MODE: "site" },
      secrets: {
        DB_PASSWORD: { valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::", ref: { kind: "secretsmanager", arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::" } },
        API_TOKEN: { valueFrom: "/prod/api/token", ref: { kind: "ssm-name", name: "/prod/api/token" } },
      },
      readonlyRootFilesystem: true,
    });
    newSite(sitePlan({ services: [web] }));
    await registered();
    const [container] = JSON.parse(recorder.one("aws:ecs/taskDefinition:TaskDefinition", "site-ams-dc-web").inputs.containerDefinitions as string);
    expect(container.readonlyRootFilesystem).to.equal(true);
    expect(container.environment).to.deep.equal([
      { name: "APP_MODE", value: "site" },
      { name: "LOG_LEVEL", value: "info" },
    ]);
    expect(container.secrets).to.deep.equal([
      { name: "API_TOKEN", valueFrom: "/prod/api/token" },
      { name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::" },
    ]);
  });

  it("lets the site's execution role read exactly its services' secrets (parameter names as ARNs in the site's region and account)", async () => {
    const db = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db";
    const web = service("web", {
      secrets: {
        DB_PASSWORD: { valueFrom: `${db}:password::`, ref: { kind: "secretsmanager", arn: `${db}:password::` } },
        API_TOKEN: { valueFrom: "/prod/api/token", ref: { kind: "ssm-name", name: "/prod/api/token" } },
      },
    });
    const worker = service("worker", {
      containerPort: undefined,
      oneTaskPerHost: false,
      secrets: {
        DB_URL: { valueFrom: db, ref: { kind: "secretsmanager", arn: db } },
        QUEUE_KEY: { valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/queue", ref: { kind: "ssm-arn", arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/queue" } },
        REGION_NAME: { valueFrom: "site/region", ref: { kind: "ssm-name", name: "site/region" } },
      },
    });
    const { site } = newSite(sitePlan({ region: "eu-central-1", providerName: "aws-eu-central-1", services: [web, worker] }));
    await registered();

    const policy = recorder.one("aws:iam/rolePolicy:RolePolicy", "site-ams-dc-exec-secrets");
    expect(policy.inputs.role).to.equal("ecs-fleet-test-ams-dc-exec");
    expect(JSON.parse(policy.inputs.policy as string)).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        // The same secret twice (with and without a JSON key) is one resource; the name gets the suffix wildcard.
        { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [`${db}-??????`] },
        {
          Sid: "ReadParameters",
          Effect: "Allow",
          Action: ["ssm:GetParameters"],
          Resource: [
            "arn:aws:ssm:eu-central-1:123456789012:parameter/prod/api/token",
            "arn:aws:ssm:eu-central-1:123456789012:parameter/site/region",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/queue",
          ],
        },
      ],
    });
    expect(JSON.stringify(JSON.parse(policy.inputs.policy as string))).to.not.include("kms:");
    // The account comes from the site's own provider.
    const identity = recorder.invokes.filter((i) => i.token === "aws:index/getCallerIdentity:getCallerIdentity");
    expect(identity.map((i) => i.region)).to.deep.equal(["eu-central-1"]);
    expect(site.secretsPolicy).to.not.equal(undefined);
    // Task definitions are created once the role may read their secrets.
    for (const svc of ["web", "worker"]) {
      expect(recorder.one("aws:ecs/taskDefinition:TaskDefinition", `site-ams-dc-${svc}`).options.dependsOn).to.include(policy.urn);
    }
  });

  it("grants no secret access when no service at the site has secrets", async () => {
    const { site } = newSite(sitePlan());
    await registered();
    expect(recorder.ofType("aws:iam/rolePolicy:RolePolicy").map((p) => p.name)).to.deep.equal(["site-ams-dc-exec"]);
    expect(site.secretsPolicy).to.equal(undefined);
  });

  it("uses host networking when the site says so", async () => {
    newSite(sitePlan({ networkMode: "host", services: [service("web")] }));
    await registered();
    expect(recorder.one("aws:ecs/taskDefinition:TaskDefinition").inputs.networkMode).to.equal("host");
  });

  it("runs EXTERNAL services with no load balancer, discovery, Service Connect or capacity provider, spread over hosts", async () => {
    newSite(sitePlan());
    await registered();
    const web = recorder.one("aws:ecs/service:Service", "site-ams-dc-web");
    expect(web.inputs).to.deep.include({
      name: "web",
      cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/ecs-fleet-test-ams-dc",
      launchType: "EXTERNAL",
      desiredCount: 2,
      deploymentMinimumHealthyPercent: 50,
      deploymentMaximumPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      orderedPlacementStrategies: [{ type: "spread", field: "instanceId" }],
      placementConstraints: [{ type: "distinctInstance" }],
      // up waits for the site's deployment (deployment.waitForSteadyState defaults to true).
      waitForSteadyState: true,
    });
    expect(web.options.customTimeouts).to.deep.include({ create: "30m", update: "30m" });
    const worker = recorder.one("aws:ecs/service:Service", "site-ams-dc-worker");
    expect(worker.inputs).to.deep.include({ desiredCount: 4, placementConstraints: [], deploymentMinimumHealthyPercent: 100, deploymentMaximumPercent: 200 });
    for (const s of [web, worker]) {
      for (const key of ["loadBalancers", "serviceRegistries", "serviceConnectConfiguration", "capacityProviderStrategies", "networkConfiguration", "platformVersion"]) {
        expect(s.inputs, `${s.name} ${key}`).to.not.have.property(key);
      }
    }
    expect(recorder.ofType("aws:lb/targetGroup:TargetGroup")).to.have.length(0);
    expect(recorder.ofType("aws:lb/loadBalancer:LoadBalancer")).to.have.length(0);
    const td = recorder.one("aws:ecs/taskDefinition:TaskDefinition", "site-ams-dc-web");
    expect(web.inputs.taskDefinition).to.match(/^arn:aws:ecs:eu-west-1:123456789012:task-?definition\//);
    expect(td.parent).to.equal(web.parent);
  });

  it("without an activation: no activation, no activation outputs, services still run", async () => {
    const { site } = newSite(sitePlan({ activation: undefined }));
    await registered();
    expect(recorder.ofType("aws:ssm/activation:Activation")).to.have.length(0);
    expect(site.activationId).to.equal(undefined);
    expect(site.activationCode).to.equal(undefined);
    expect(site.registrationCommand).to.equal(undefined);
    expect(recorder.ofType("aws:ecs/service:Service")).to.have.length(2);
  });

  it("builds managed policy ARNs for the site's partition", async () => {
    newSite(sitePlan({ partition: "aws-us-gov" as SitePlan["partition"], services: [] }));
    await registered();
    const arns = recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn as string);
    expect(arns).to.have.length(2);
    for (const arn of arns) expect(arn).to.match(/^arn:aws-us-gov:iam::aws:policy\//);
  });
});

describe("registrationCommand", () => {
  const cmd = registrationCommand({ region: "eu-west-1", clusterName: "ecs-fleet-prod-ams-dc", activationId: "a1b2c3d4-0000-1111-2222-333344445555", activationCode: "Abc/def+123" });
  const steps = cmd.split(" && \\\n");

  it("downloads the install script and its signature over HTTPS only", () => {
    expect(steps[0]).to.equal(`curl --fail --silent --show-error --proto "=https" -o "/tmp/ecs-anywhere-install.sh" "${INSTALL_SCRIPT_URL}"`);
    expect(steps[1]).to.equal(`curl --fail --silent --show-error --proto "=https" -o "/tmp/ecs-anywhere-install.sh.asc" "${INSTALL_SCRIPT_URL}.asc"`);
    expect(INSTALL_SCRIPT_URL).to.equal("https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh");
  });

  it("verifies the signature against the Amazon ECS key by full fingerprint before running anything", () => {
    expect(steps[2]).to.include("--recv-keys BCE9D9A42D51784F");
    expect(ECS_PGP_FINGERPRINT).to.equal("F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F");
    expect(steps[3]).to.equal(
      `gpg --status-fd 1 --verify "/tmp/ecs-anywhere-install.sh.asc" "/tmp/ecs-anywhere-install.sh" | grep -E '^\\[GNUPG:\\] VALIDSIG .* F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F$' >/dev/null`,
    );
    // The grep pattern matches gpg's status line for a good signature by a subkey of the ECS key.
    const pattern = new RegExp(String.raw`^\[GNUPG:\] VALIDSIG .* F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F$`);
    expect(pattern.test("[GNUPG:] VALIDSIG D64BB6F90CF377E9B5FB346F50DECCC4710E61AF 2021-05-25 1621970189 0 4 0 1 10 00 F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F")).to.equal(true);
    expect(pattern.test("[GNUPG:] VALIDSIG 0000 2021-05-25 1621970189 0 4 0 1 10 00 1111111111111111111111111111111111111111")).to.equal(false);
  });

  it("runs the installer as root with region, cluster, activation id and code, each quoted", () => {
    expect(steps).to.have.length(5);
    expect(steps[4]).to.equal(
      `sudo bash "/tmp/ecs-anywhere-install.sh" --region 'eu-west-1' --cluster 'ecs-fleet-prod-ams-dc' ` +
        `--activation-id 'a1b2c3d4-0000-1111-2222-333344445555' --activation-code 'Abc/def+123'`,
    );
    expect(registrationCommand({ region: "r", clusterName: "c", activationId: "i", activationCode: "it's" })).to.include(`--activation-code 'it'\\''s'`);
  });

  it("site services: command, entryPoint and container health check in the task definition; waiting can be turned off", async () => {
    newSite(
      sitePlan({
        services: [
          service("web", {
            command: ["sh", "-c", "exec nginx -g 'daemon off;'"],
            entryPoint: ["/docker-entrypoint.sh"],
            containerHealthCheck: { command: ["CMD", "curl", "-f", "http://localhost/"], interval: 30, timeout: 5, retries: 3 },
            deploymentWait: { waitForSteadyState: false, timeoutMinutes: 10 },
          }),
        ],
      }),
    );
    await registered();
    const [container] = JSON.parse(recorder.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions as string);
    expect(container.command).to.deep.equal(["sh", "-c", "exec nginx -g 'daemon off;'"]);
    expect(container.entryPoint).to.deep.equal(["/docker-entrypoint.sh"]);
    expect(container.healthCheck).to.deep.equal({ command: ["CMD", "curl", "-f", "http://localhost/"], interval: 30, timeout: 5, retries: 3 });
    const svc = recorder.one("aws:ecs/service:Service");
    expect(svc.inputs.waitForSteadyState).to.equal(false);
    expect(svc.options.customTimeouts).to.deep.include({ create: "10m", update: "10m" });
  });
});
