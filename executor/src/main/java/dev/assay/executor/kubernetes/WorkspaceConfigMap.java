package dev.assay.executor.kubernetes;

import io.kubernetes.client.openapi.models.V1KeyToPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workspace files as ConfigMap data plus the volume items that put each key back at its path. File paths are not
 * valid ConfigMap keys ({@code [-._a-zA-Z0-9]+}), so every file gets a numbered, sanitised key.
 *
 * @param data  ConfigMap key to file content
 * @param items volume items, key to relative path
 * @param bytes what the data weighs against the ConfigMap limit (keys plus UTF-8 values)
 */
record WorkspaceConfigMap(Map<String, String> data, List<V1KeyToPath> items, long bytes) {
    /** The API server refuses ConfigMaps whose data exceeds 1 MiB. */
    static final long MAX_BYTES = 1024 * 1024;
    private static final int MAX_KEY = 253;

    /**
     * @throws KubernetesSandboxException {@code INVALID_REQUEST} for a path that could leave the workspace,
     *                                    {@code WORKSPACE_TOO_LARGE} when the files do not fit into one ConfigMap
     */
    static WorkspaceConfigMap of(Map<String, String> files) throws KubernetesSandboxException {
        Map<String, String> data = new LinkedHashMap<>();
        List<V1KeyToPath> items = new ArrayList<>();
        long bytes = 0;
        int index = 0;
        for (Map.Entry<String, String> file : files.entrySet()) {
            String path = checkedPath(file.getKey());
            String key = key(index++, path);
            data.put(key, file.getValue());
            items.add(new V1KeyToPath().key(key).path(path));
            bytes += key.length() + file.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_BYTES) {
            throw new KubernetesSandboxException(KubernetesSandboxException.Reason.WORKSPACE_TOO_LARGE,
                    "workspace of " + files.size() + " files is " + bytes + " bytes, more than the " + MAX_BYTES
                            + " bytes a Kubernetes ConfigMap can hold; the Kubernetes sandbox cannot run it");
        }
        return new WorkspaceConfigMap(Map.copyOf(data), List.copyOf(items), bytes);
    }

    private static String key(int index, String path) {
        String key = "f" + index + "-" + path.replaceAll("[^-._a-zA-Z0-9]", "_");
        return key.length() <= MAX_KEY ? key : key.substring(0, MAX_KEY);
    }

    /** Relative, normalised, no segment starting with {@code ..} (the kubelet keeps its own {@code ..data} there). */
    private static String checkedPath(String path) throws KubernetesSandboxException {
        String problem = null;
        if (path.isEmpty()) {
            problem = "is empty";
        } else if (path.startsWith("/")) {
            problem = "is absolute";
        } else if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
            problem = "contains a NUL or backslash";
        } else {
            for (String segment : path.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.startsWith("..")) {
                    problem = "has an empty, '.' or '..'-prefixed segment";
                    break;
                }
            }
        }
        if (problem != null) {
            throw new KubernetesSandboxException(KubernetesSandboxException.Reason.INVALID_REQUEST,
                    "workspace path '" + path + "' " + problem + "; paths must stay inside the workspace");
        }
        return path;
    }
}
