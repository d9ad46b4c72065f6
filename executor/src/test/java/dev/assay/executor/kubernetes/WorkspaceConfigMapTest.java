package dev.assay.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assay.executor.kubernetes.KubernetesSandboxException.Reason;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkspaceConfigMapTest {

    @Test
    void mapsEveryPathToAValidKeyAndBack() throws Exception {
        Map<String, String> files = new TreeMap<>(Map.of("a/b/c.py", "x", "a b/ü.txt", "y", "README", "z"));
        WorkspaceConfigMap workspace = WorkspaceConfigMap.of(files);

        assertThat(workspace.data().keySet()).allSatisfy(key -> assertThat(key).matches("[-._a-zA-Z0-9]+"));
        Map<String, String> restored = new HashMap<>();
        workspace.items().forEach(item -> restored.put(item.getPath(), workspace.data().get(item.getKey())));
        assertThat(restored).isEqualTo(files);
    }

    @Test
    void keysStayDistinctWhenSanitisedPathsCollide() throws Exception {
        WorkspaceConfigMap workspace = WorkspaceConfigMap.of(new TreeMap<>(Map.of("a/b", "1", "a_b", "2")));
        assertThat(workspace.data()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../escape.py", "src/../../x", "..data/x", "a//b", "./a", "a/", ""})
    void refusesPathsThatCouldLeaveTheWorkspace(String path) {
        assertThatThrownBy(() -> WorkspaceConfigMap.of(Map.of(path, "x")))
                .isInstanceOfSatisfying(KubernetesSandboxException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST))
                .hasMessageContaining("paths must stay inside the workspace");
    }

    @Test
    void countsUtf8BytesAgainstTheOneMebibyteLimit() throws Exception {
        String key = "f0-a";
        // Exactly at the limit is accepted; 2-byte characters count twice.
        WorkspaceConfigMap.of(Map.of("a", "x".repeat((int) WorkspaceConfigMap.MAX_BYTES - key.length())));
        assertThatThrownBy(() -> WorkspaceConfigMap.of(Map.of("a", "é".repeat(600 * 1024))))
                .isInstanceOfSatisfying(KubernetesSandboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.WORKSPACE_TOO_LARGE))
                .hasMessageContaining("1228804 bytes");
    }
}
