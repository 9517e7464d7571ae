// The CDK app behind fixtures/cdk/ (run by tools/synth_cdk.py, which says why).
// An ECS Fargate service as teams write it with aws-cdk-lib: a VPC, a cluster,
// a task definition with its execution role, a load-balanced service with a
// target group and CPU autoscaling; and a nested stack with a worker task
// definition. Some choices are insecure on purpose, so the scan has findings:
// the web image is tagged latest and the service gets a public IP; the worker
// image has no tag, and its finding is suppressed through resource Metadata.
const cdk = require("aws-cdk-lib");
const ec2 = require("aws-cdk-lib/aws-ec2");
const ecs = require("aws-cdk-lib/aws-ecs");
const elbv2 = require("aws-cdk-lib/aws-elasticloadbalancingv2");

const outdir = process.argv[2];
// Path and asset metadata as the cdk CLI asks for them (cdk synth sets this context).
const app = new cdk.App({
  outdir,
  analyticsReporting: false,
  stackTraces: false,
  context: { "aws:cdk:enable-path-metadata": true, "aws:cdk:enable-asset-metadata": true },
});
const stack = new cdk.Stack(app, "WebServiceStack");

const vpc = new ec2.Vpc(stack, "Vpc", { maxAzs: 2, natGateways: 0 });
const cluster = new ecs.Cluster(stack, "Cluster", { vpc });

const task = new ecs.FargateTaskDefinition(stack, "WebTask", { cpu: 256, memoryLimitMiB: 512 });
task.addContainer("web", {
  image: ecs.ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:latest"),
  logging: ecs.LogDrivers.awsLogs({ streamPrefix: "web" }),
  portMappings: [{ containerPort: 80 }],
  environment: { LOG_LEVEL: "info" },
});

const service = new ecs.FargateService(stack, "WebService", {
  cluster,
  taskDefinition: task,
  desiredCount: 2,
  assignPublicIp: true,
  vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
  circuitBreaker: { rollback: true },
});

const balancer = new elbv2.ApplicationLoadBalancer(stack, "Balancer", { vpc, internetFacing: true });
const listener = balancer.addListener("Http", { port: 80 });
listener.addTargets("Web", {
  port: 80,
  targets: [service],
  healthCheck: { path: "/health" },
});

const scaling = service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 6 });
scaling.scaleOnCpuUtilization("Cpu", { targetUtilizationPercent: 60 });

const workers = new cdk.NestedStack(stack, "Workers");
const worker = new ecs.FargateTaskDefinition(workers, "WorkerTask", { cpu: 256, memoryLimitMiB: 512 });
worker.addContainer("worker", {
  image: ecs.ContainerImage.fromRegistry("public.ecr.aws/example/worker"),
  logging: ecs.LogDrivers.awsLogs({ streamPrefix: "worker" }),
});
worker.node.defaultChild.addMetadata("ecs-guard", {
  ignore: [{ rule: "EG201", reason: "the worker image is rebuilt and scanned nightly" }],
});

app.synth();
