package dev.assay.harness.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the workspace's JUnit tests (Jupiter and, for JUnit 4, Vintage) with the JUnit Platform Launcher and turns
 * its events into report entries: one per test case, container failures onto the container's tests.
 */
final class JUnitRun {
    private static final String[] ENGINES = {"org.junit.jupiter.engine.JupiterTestEngine", "org.junit.vintage.engine.VintageTestEngine"};

    private JUnitRun() {
    }

    /** Runs the tests of {@code classes} (top-level and static member classes; {@code @Nested} ones come with them). */
    static void run(RunState state, List<Class<?>> classes) {
        if (classes.isEmpty()) {
            return;
        }
        List<TestEngine> engines = new ArrayList<>();
        for (String name : ENGINES) {
            try {
                engines.add((TestEngine) Class.forName(name, true, JUnitRun.class.getClassLoader()).getConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                state.report.error(name, "cannot load the test engine: " + Failures.describe(e), null);
            }
        }
        LauncherConfig config = LauncherConfig.builder()
                .enableTestEngineAutoRegistration(false)
                .enableLauncherSessionListenerAutoRegistration(false)
                .enableLauncherDiscoveryListenerAutoRegistration(false)
                .enablePostDiscoveryFilterAutoRegistration(false)
                .enableTestExecutionListenerAutoRegistration(false)
                .addTestEngines(engines.toArray(TestEngine[]::new))
                .build();
        List<DiscoverySelector> selectors = new ArrayList<>();
        classes.forEach(c -> selectors.add(DiscoverySelectors.selectClass(c)));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                // Neither system properties nor a junit-platform.properties can configure the run.
                .enableImplicitConfigurationParameters(false)
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .build();
        Listener listener = new Listener(state);
        try {
            Launcher launcher = LauncherFactory.create(config);
            launcher.execute(request, listener);
        } catch (Throwable e) {
            state.report.error("junit", "the JUnit Platform failed: " + Failures.describe(e), Failures.resource(e));
        }
    }

    /** JUnit events → report entries. */
    static final class Listener implements TestExecutionListener {
        private final RunState state;
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        private volatile TestPlan plan;

        Listener(RunState state) {
            this.state = state;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionStarted(TestIdentifier identifier) {
            long now = System.nanoTime();
            started.put(identifier.getUniqueId(), now);
            if (identifier.isTest()) {
                TestIds.Id id = TestIds.of(identifier.getUniqueIdObject());
                state.start(new RunState.Current(identifier.getUniqueId(), id.id(), id.function(), state.fileOf(id.className()), now));
            }
        }

        @Override
        public void executionSkipped(TestIdentifier identifier, String reason) {
            if (identifier.isTest()) {
                put(identifier, "SKIPPED", reason, null, 0);
                return;
            }
            List<TestIdentifier> tests = descendantTests(identifier);
            for (TestIdentifier t : tests) {
                if (!state.report.has(t.getUniqueId())) {
                    put(t, "SKIPPED", reason, null, 0);
                }
            }
            if (tests.isEmpty() && isMethodContainer(identifier)) {
                put(identifier, "SKIPPED", reason, null, 0);
            }
        }

        @Override
        public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
            Long start = started.remove(identifier.getUniqueId());
            long ms = start == null ? 0 : (System.nanoTime() - start) / 1_000_000;
            Throwable failure = result.getThrowable().orElse(null);
            if (identifier.isTest()) {
                switch (result.getStatus()) {
                    case SUCCESSFUL -> put(identifier, "PASSED", null, null, ms);
                    case ABORTED -> put(identifier, "SKIPPED", failure == null ? "aborted" : message(failure), null, ms);
                    case FAILED -> put(identifier, failure == null ? "ERROR" : Failures.status(failure),
                            failure == null ? "failed" : Failures.describe(failure), Failures.resource(failure), ms);
                }
                state.finish(identifier.getUniqueId());
                return;
            }
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                return;
            }
            containerFailed(identifier, result.getStatus(), failure, ms);
        }

        private void containerFailed(TestIdentifier container, TestExecutionResult.Status status, Throwable failure, long ms) {
            boolean aborted = status == TestExecutionResult.Status.ABORTED;
            String what = container.getDisplayName();
            String cause = failure == null ? (aborted ? "aborted" : "failed") : aborted ? message(failure) : Failures.describe(failure);
            String resource = Failures.resource(failure);
            List<TestIdentifier> tests = descendantTests(container);
            for (TestIdentifier t : tests) {
                Report.Test done = state.report.test(t.getUniqueId());
                if (done == null) {
                    put(t, aborted ? "SKIPPED" : "ERROR", aborted ? cause : "container " + what + " failed: " + cause, resource, 0);
                } else if (!aborted && done.status().equals("PASSED")) {
                    state.report.test(t.getUniqueId(), new Report.Test(done.id(), done.function(), done.file(), "ERROR",
                            "passed, but container " + what + " failed afterwards: " + cause, done.durationMs(), resource));
                }
            }
            if (!tests.isEmpty()) {
                return;
            }
            if (isMethodContainer(container)) {
                put(container, aborted ? "SKIPPED" : "ERROR", cause, resource, ms);
            } else if (!aborted) {
                String name = container.getSource().map(Object::toString).orElse(container.getUniqueId());
                Optional<TestIds.Id> id = classOf(container);
                state.report.error(id.map(TestIds.Id::className).orElse(name), cause, resource);
            }
        }

        private Optional<TestIds.Id> classOf(TestIdentifier container) {
            TestIds.Id id = TestIds.of(container.getUniqueIdObject());
            return id.className() == null ? Optional.empty() : Optional.of(id);
        }

        /** A parameterized, repeated or factory method: its own id is the unit's. */
        private static boolean isMethodContainer(TestIdentifier identifier) {
            String type = identifier.getUniqueIdObject().getLastSegment().getType();
            return type.equals("test-template") || type.equals("test-factory") || type.equals("method");
        }

        private List<TestIdentifier> descendantTests(TestIdentifier container) {
            TestPlan p = plan;
            List<TestIdentifier> out = new ArrayList<>();
            if (p != null) {
                for (TestIdentifier d : p.getDescendants(container)) {
                    if (d.isTest()) {
                        out.add(d);
                    }
                }
            }
            return out;
        }

        private void put(TestIdentifier identifier, String status, String message, String resource, long ms) {
            TestIds.Id id = TestIds.of(identifier.getUniqueIdObject());
            state.report.test(identifier.getUniqueId(), new Report.Test(id.id(), id.function(), state.fileOf(id.className()),
                    status, message, ms, resource));
        }

        private static String message(Throwable e) {
            try {
                String m = e.getMessage();
                return m == null ? e.getClass().getName() : m;
            } catch (Throwable t) {
                return e.getClass().getName();
            }
        }
    }
}
