package dev.assay.executor.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assay.avro.ArtifactKind;
import dev.assay.avro.KindSignal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KindInferenceTest {

    private static List<KindSignal> infer(String path, String content) {
        return KindInference.infer(Map.of(path, content));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "db/migration/V2__add_orders.sql | CREATE TABLE orders (id int);                           | MIGRATION",
        "db/changelog/db.changelog-master.yaml | databaseChangeLog: []                               | MIGRATION",
        "app/migrations/0003_auto.py     | from django.db import migrations                          | MIGRATION",
        "alembic/versions/ab12_add.py    | revision = 'ab12'                                         | MIGRATION",
        "db/migrate/20240101_add.rb      | class AddOrders < ActiveRecord::Migration[7.0]; end       | MIGRATION",
        "schema/orders.sql               | ALTER TABLE orders ADD COLUMN note text;                  | MIGRATION",
        "queries/top.sql                 | SELECT id FROM orders WHERE total > 10 ORDER BY total     | DB_QUERY",
        "Dockerfile                      | FROM debian:12                                            | INFRASTRUCTURE",
        "build/api.dockerfile            | FROM node:20                                              | INFRASTRUCTURE",
        ".github/workflows/ci.yml        | on: push                                                  | INFRASTRUCTURE",
        "infra/main.tf                   | resource \"aws_s3_bucket\" \"b\" {}                       | INFRASTRUCTURE",
        "deploy.sh                       | kubectl apply -f k8s/                                     | INFRASTRUCTURE",
        "tools/setup                     | #!/usr/bin/env bash\\necho hi                             | INFRASTRUCTURE",
        "chart/Chart.yaml                | name: app                                                 | INFRASTRUCTURE",
    })
    void classifiesByPathAndParsedContent(String path, String content, ArtifactKind kind) {
        assertThat(infer(path, content.replace("\\n", "\n"))).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo(kind);
            assertThat(s.getPath()).isEqualTo(path);
            assertThat(s.getReason()).isNotBlank();
        });
    }

    @Test
    void readsYamlDocumentsForManifestsCloudFormationAndCompose() {
        assertThat(infer("deploy/app.yaml", "# app\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\n"))
                .singleElement().satisfies(s -> assertThat(s.getReason()).isEqualTo("a Kubernetes Deployment manifest"));
        assertThat(infer("stack.yml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")).singleElement()
                .satisfies(s -> assertThat(s.getKind()).isEqualTo(ArtifactKind.INFRASTRUCTURE));
        assertThat(infer("docker-compose.yml", "services:\n  db:\n    image: postgres\n")).singleElement()
                .satisfies(s -> assertThat(s.getReason()).isEqualTo("a Compose file"));
    }

    @Test
    void aQueryCarriesItsStatementAndLine() {
        assertThat(infer("report.sql", "-- monthly report\n\nSELECT count(*)\n  FROM orders;\nSELECT 1;\n")).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo(ArtifactKind.DB_QUERY);
            assertThat(s.getLine()).isEqualTo(3);
            assertThat(s.getSql()).isEqualTo("SELECT count(*)\n  FROM orders");
            assertThat(s.getReason()).isEqualTo("2 SQL statement(s): SELECT");
        });
    }

    @Test
    void ordinaryCodeDataAndDocumentationAreNotClassified() {
        assertThat(KindInference.infer(Map.of("calc.py", "def add(a, b):\n    return a + b\n", "data/prices.json", "{\"a\": 1}",
                "config.yaml", "retries: 3\n", "README.md", "# Calc\n", "test_calc.py", "from calc import add\n"))).isEmpty();
    }

    @Test
    void unreadableYamlOrSqlNeverThrows() {
        assertThat(infer("broken.yaml", "a: [unclosed\n  - x: {")).isEmpty();
        assertThat(infer("weird.sql", "FROBNICATE the widgets;")).singleElement()
                .satisfies(s -> assertThat(s.getReason()).isEqualTo("a SQL file the parser could not read"));
        assertThat(infer("deep.sql", "SELECT " + "(".repeat(5000) + "1" + ")".repeat(5000) + ";")).singleElement()
                .satisfies(s -> assertThat(s.getKind()).isEqualTo(ArtifactKind.DB_QUERY));
    }
}
