package dev.assay.executor.kinds;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.assay.avro.ArtifactKind;
import dev.assay.avro.KindSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.truncate.Truncate;

/**
 * What generated files that are not code are, from their paths and their parsed content: migrations (Flyway,
 * Liquibase, Alembic, Django, Rails, Knex, Prisma layouts; SQL files holding DDL), database queries (SQL files of
 * queries and DML), infrastructure (Kubernetes, Helm and Kustomize manifests, CloudFormation, Compose files, Terraform,
 * Dockerfiles, CI workflows, shell scripts). Code is classified by the analysers with their own parsers
 * (harness/PROTOCOL.md "Kind signals"); the request's declared kind never lowers what is found here.
 */
public final class KindInference {
    /** Larger files are classified by path alone: parsing them is not worth the time. */
    static final int MAX_PARSED_CHARS = 512 * 1024;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern FLYWAY = Pattern.compile("(^|/)[VUR]\\d*(_\\d+)*__[^/]*\\.sql$");
    private static final Pattern MIGRATION_FOLDER = Pattern.compile(
            "(^|/)(migrations|migrate|alembic/versions|db/migrate|prisma/migrations|changelog|db/changelog)/");
    private static final Pattern LIQUIBASE = Pattern.compile("(^|/)[^/]*changelog[^/]*\\.(xml|ya?ml|json|sql)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SHEBANG = Pattern.compile("\\A#!\\s*/(usr/)?(bin/)?(env\\s+)?(ba|da|z|k)?sh\\b");
    private static final Pattern CI = Pattern.compile(
            "(^|/)(\\.github/workflows/[^/]+\\.ya?ml|\\.gitlab-ci\\.ya?ml|Jenkinsfile|\\.circleci/config\\.ya?ml|azure-pipelines\\.ya?ml|\\.travis\\.ya?ml)$");
    private static final Pattern DOCKERFILE = Pattern.compile("(^|/)((Dockerfile|Containerfile)(\\.[^/]*)?|[^/]+\\.(dockerfile|containerfile))$",
            Pattern.CASE_INSENSITIVE);

    private KindInference() {
    }

    /** The signals of every generated file this class can classify, in path order. */
    public static List<KindSignal> infer(Map<String, String> generatedFiles) {
        List<KindSignal> signals = new ArrayList<>();
        generatedFiles.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> classify(e.getKey(), e.getValue(), signals));
        return signals;
    }

    private static void classify(String path, String content, List<KindSignal> out) {
        String lower = path.toLowerCase(Locale.ROOT);
        String name = lower.substring(lower.lastIndexOf('/') + 1);
        boolean parse = content.length() <= MAX_PARSED_CHARS;
        if (FLYWAY.matcher(path).find()) {
            out.add(signal(ArtifactKind.MIGRATION, path, "a Flyway migration (" + name + ")"));
            return;
        }
        if (LIQUIBASE.matcher(path).find()) {
            out.add(signal(ArtifactKind.MIGRATION, path, "a Liquibase changelog"));
            return;
        }
        if (MIGRATION_FOLDER.matcher(lower).find() && !name.equals("__init__.py") && !name.endsWith(".md")) {
            out.add(signal(ArtifactKind.MIGRATION, path, "in a migrations folder (" + folderOf(path) + ")"));
            return;
        }
        if (name.endsWith(".sql")) {
            sql(path, content, parse, out);
            return;
        }
        if (isDockerfile(path)) {
            out.add(signal(ArtifactKind.INFRASTRUCTURE, path, "a container image definition (" + name + ")"));
            return;
        }
        if (CI.matcher(path).find()) {
            out.add(signal(ArtifactKind.INFRASTRUCTURE, path, "a CI pipeline definition"));
            return;
        }
        if (name.endsWith(".tf") || name.endsWith(".tfvars") || name.endsWith(".hcl")) {
            out.add(signal(ArtifactKind.INFRASTRUCTURE, path, "Terraform / HCL configuration"));
            return;
        }
        if (name.endsWith(".sh") || name.endsWith(".bash") || SHEBANG.matcher(content).find()) {
            out.add(signal(ArtifactKind.INFRASTRUCTURE, path, "a shell script"));
            return;
        }
        if (name.equals("chart.yaml") || name.equals("kustomization.yaml") || name.equals("kustomization.yml")
                || lower.contains("/templates/") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".tpl"))) {
            out.add(signal(ArtifactKind.INFRASTRUCTURE, path, name.startsWith("kustomization") ? "a Kustomize configuration"
                    : "part of a Helm chart"));
            return;
        }
        if ((name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) && parse) {
            yaml(path, content, out);
        }
    }

    /** Kubernetes manifests, CloudFormation templates, Compose files, Ansible playbooks: by their documents' keys. */
    private static void yaml(String path, String content, List<KindSignal> out) {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readValues(content)) {
            int seen = 0;
            while (documents.hasNextValue() && seen++ < 100) {
                JsonNode doc = documents.nextValue();
                if (doc == null || !doc.isObject()) {
                    continue;
                }
                if (doc.hasNonNull("apiVersion") && doc.hasNonNull("kind")) {
                    out.add(signal(ArtifactKind.INFRASTRUCTURE, path, "a Kubernetes " + doc.get("kind").asText() + " manifest"));
                    return;
                }
                if (doc.has("AWSTemplateFormatVersion") || doc.path("Resources").isObject() && doc.path("Resources").toString().contains("\"AWS::")) {
                    out.add(signal(ArtifactKind.INFRASTRUCTURE, path, "an AWS CloudFormation template"));
                    return;
                }
                if (doc.path("services").isObject() && (path.contains("compose") || doc.has("version") || doc.has("volumes"))) {
                    out.add(signal(ArtifactKind.INFRASTRUCTURE, path, "a Compose file"));
                    return;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not YAML (or not ours to judge): a data file, classified by nothing.
        }
    }

    /** A SQL file: DDL makes it a migration, queries and DML a database query; what does not parse, by its name. */
    private static void sql(String path, String content, boolean parse, List<KindSignal> out) {
        if (!parse) {
            out.add(signal(ArtifactKind.DB_QUERY, path, "a SQL file too large to parse"));
            return;
        }
        SqlStatements statements = SqlStatements.parse(content);
        for (SqlStatements.Parsed parsed : statements.parsed()) {
            if (isDdl(parsed.statement())) {
                out.add(new KindSignal(ArtifactKind.MIGRATION, path, parsed.line(), "DDL: " + SqlStatements.describe(parsed.statement()),
                        SqlStatements.cut(parsed.text())));
                return;
            }
        }
        if (!statements.parsed().isEmpty()) {
            SqlStatements.Parsed first = statements.parsed().getFirst();
            out.add(new KindSignal(ArtifactKind.DB_QUERY, path, first.line(), statements.parsed().size() + " SQL statement(s): "
                    + SqlStatements.describe(first.statement()), SqlStatements.cut(first.text())));
        } else if (!statements.unparsed().isEmpty()) {
            out.add(signal(ArtifactKind.DB_QUERY, path, "a SQL file the parser could not read"));
        }
    }

    static boolean isDockerfile(String path) {
        return DOCKERFILE.matcher(path).find();
    }

    static boolean isDdl(Statement statement) {
        return statement instanceof CreateTable || statement instanceof Alter || statement instanceof Drop
                || statement instanceof CreateIndex || statement instanceof CreateView || statement instanceof CreateSequence
                || statement instanceof Truncate;
    }

    private static KindSignal signal(ArtifactKind kind, String path, String reason) {
        return new KindSignal(kind, path, null, reason, null);
    }

    private static String folderOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(0, slash + 1);
    }
}
