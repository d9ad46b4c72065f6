package dev.assay.executor.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.assay.avro.Finding;
import dev.assay.avro.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InfrastructureReviewTest {

    private static List<Finding> review(String path, String content) {
        Map<String, String> files = Map.of(path, content);
        return InfrastructureReview.review(files, KindInference.infer(files));
    }

    private static final String HARDENED_POD_SPEC = """
                securityContext:
                  runAsNonRoot: true
                  seccompProfile: {type: RuntimeDefault}
                containers:
                  - name: web
                    image: registry.example/web:1.4.2
                    securityContext:
                      allowPrivilegeEscalation: false
                      capabilities: {drop: [ALL]}
                    resources:
                      limits: {cpu: 500m, memory: 256Mi}
            """;

    @Test
    void aHardenedDeploymentHasNothingToSay() {
        assertThat(review("deploy/web.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                """ + HARDENED_POD_SPEC.indent(4))).isEmpty();
    }

    @Test
    void whatTheApiServerWouldRejectIsSaidWithTheDocumentsLine() {
        List<Finding> findings = review("deploy/web.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {ports: [{port: 80}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      containers: [{name: web, image: web:1, imagePullPolicy: Always, resourcez: {}}]
                """);
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.getCheck()).isEqualTo("infrastructure/schema");
            assertThat(f.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.getLine()).as("the second document").isEqualTo(6);
            assertThat(f.getMessage()).startsWith("Deployment web: the API server would reject it: ").contains("selector");
        });
        assertThat(review("pod.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers: [{name: a, image: a:1, resourcez: {}}]
                """)).extracting(Finding::getMessage).first().asString().contains("resourcez");
    }

    @Test
    void podSecurityLimitsAndTagsAreNamedPerContainer() {
        List<Finding> findings = review("k8s/agent.yaml", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec:
                      hostNetwork: true
                      hostPID: true
                      volumes: [{name: root, hostPath: {path: /}}]
                      containers:
                        - name: agent
                          image: agent
                          ports: [{containerPort: 9100, hostPort: 9100}]
                          securityContext: {privileged: true, runAsUser: 0, capabilities: {add: [SYS_ADMIN]}}
                """);
        assertThat(findings).extracting(Finding::getCheck, Finding::getSeverity).containsExactly(
                tuple("infrastructure/pod-security", Severity.MEDIUM), tuple("infrastructure/pod-security", Severity.MEDIUM),
                tuple("infrastructure/pod-security", Severity.MEDIUM), tuple("infrastructure/pod-security", Severity.MEDIUM),
                tuple("infrastructure/pod-security", Severity.LOW), tuple("infrastructure/image-tag", Severity.LOW),
                tuple("infrastructure/limits", Severity.LOW));
        assertThat(findings).extracting(Finding::getMessage).containsExactly(
                "DaemonSet agent: shares the node's network, process namespace (forbidden even by the baseline profile)",
                "DaemonSet agent: volume root mounts the node's / (hostPath: forbidden by the baseline profile)",
                "DaemonSet agent: container agent is privileged: it can do anything the node can",
                "DaemonSet agent: container agent binds host port 9100",
                "DaemonSet agent: container agent breaks the restricted profile: allowPrivilegeEscalation is not false; runs as user 0;"
                        + " no RuntimeDefault or Localhost seccomp profile; capabilities not dropped (drop: [ALL]); adds capabilities [SYS_ADMIN]",
                "DaemonSet agent: container agent runs image agent without a fixed tag or digest: what runs can change under the same manifest",
                "DaemonSet agent: container agent has no CPU or memory limit");
        assertThat(findings).allSatisfy(f -> assertThat(f.getLine()).isEqualTo(1));
    }

    @Test
    void cronJobsReachTheirPodSpecAndCustomResourcesAreLeftToTheCluster() {
        List<Finding> findings = review("k8s/jobs.yaml", """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: nightly}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: Never
                """ + HARDENED_POD_SPEC.replace("1.4.2", "latest").indent(6) + """
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: web}
                spec: {}
                """);
        assertThat(findings).extracting(Finding::getCheck, Finding::getLine).containsExactly(
                tuple("infrastructure/image-tag", 1), tuple("infrastructure/schema", 23));
        assertThat(findings.get(1).getMessage()).startsWith("a custom resource (monitoring.coreos.com/v1)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nginx | true", "nginx:latest | true", "registry:5000/team/app | true", "registry:5000/team/app:2.1 | false",
        "app@sha256:abc | false", "python:3.12-slim | false"})
    void floatingTagsAreLatestOrNone(String image, boolean floating) {
        assertThat(InfrastructureReview.floatingTag(image)).isEqualTo(floating);
    }

    @Test
    void dockerfilesAreCheckedForFloatingBaseImagesAndRoot() {
        assertThat(review("Dockerfile", """
                FROM golang:1.23 AS build
                RUN go build -o /app .
                FROM --platform=linux/amd64 debian \\
                    AS run
                COPY --from=build /app /app
                """)).extracting(Finding::getCheck, Finding::getLine).containsExactly(
                tuple("infrastructure/image-tag", 3), tuple("infrastructure/run-as-root", null));
        assertThat(review("build/api.dockerfile", """
                FROM node:20
                USER node
                RUN npm ci
                USER root
                """)).singleElement().satisfies(f -> {
            assertThat(f.getCheck()).isEqualTo("infrastructure/run-as-root");
            assertThat(f.getLine()).isEqualTo(4);
        });
        assertThat(review("Dockerfile", "FROM python:3.12-slim\nUSER 10001\n")).isEmpty();
    }

    @Test
    void templatesAndOtherInfrastructureAreNotMisread() {
        assertThat(review("chart/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"))
                .singleElement().satisfies(f -> assertThat(f.getMessage()).startsWith("a template"));
        assertThat(review(".github/workflows/ci.yml", "on: push\njobs: {}\n")).isEmpty();
        assertThat(review("deploy.sh", "#!/bin/sh\nkubectl apply -f k8s/\n")).isEmpty();
    }
}
