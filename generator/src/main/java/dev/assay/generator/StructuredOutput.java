package dev.assay.generator;

import java.util.List;
import java.util.Map;

/**
 * The JSON shape of a structured answer, {@code {"files":[{"path":..., "content":...}]}}: sent to OpenAI as a strict
 * {@code response_format} json_schema and to Anthropic as the input schema of the forced {@value #TOOL} tool. The answer
 * is still untrusted: {@link CompletionParser#parse(Completion, WritePolicy)} applies the same path and write-policy
 * checks as to fenced blocks.
 */
public final class StructuredOutput {
    /** Name of the JSON schema (OpenAI) and of the tool (Anthropic). */
    public static final String TOOL = "write_files";
    public static final String DESCRIPTION = "Writes the answer's files: each complete, at a path relative to the project root.";

    /** Schema of one file. */
    static final Map<String, Object> FILE = Map.of(
            "type", "object",
            "properties", Map.of("path", Map.of("type", "string", "description", "relative path, forward slashes, no '..'"),
                    "content", Map.of("type", "string", "description", "the entire file content")),
            "required", List.of("path", "content"),
            "additionalProperties", false);

    /** Schema of the {@code files} property. */
    static final Map<String, Object> FILES = Map.of("type", "array", "items", FILE);

    /** Top-level schema, property by property (the SDKs' schema builders take them one at a time). */
    static final Map<String, Object> SCHEMA = Map.of(
            "type", "object",
            "properties", Map.of("files", FILES),
            "required", List.of("files"),
            "additionalProperties", false);

    private StructuredOutput() {
    }
}
