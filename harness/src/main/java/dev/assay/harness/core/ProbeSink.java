package dev.assay.harness.core;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.function.ObjIntConsumer;

/**
 * Where {@code dev.assay.harness.Probe.record} sends values. A value counts only when the call came through
 * {@code Probe} directly from a class the workspace loader defined from one of the request's test files; any other
 * caller (generated code, a reflective call, a call of this sink without {@code Probe}) is an integrity event and
 * its value is dropped.
 */
final class ProbeSink implements ObjIntConsumer<Object> {
    private static final int MAX_EVENTS = 50;

    private final StackWalker walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private final RunState state;
    private final Class<?> probeClass;
    private final Set<String> reported = new HashSet<>();
    private volatile WorkspaceLoader loader;

    ProbeSink(RunState state, Class<?> probeClass) {
        this.state = state;
        this.probeClass = probeClass;
    }

    void loader(WorkspaceLoader workspaceLoader) {
        loader = workspaceLoader;
    }

    @Override
    public void accept(Object value, int id) {
        StackWalker.StackFrame[] found = new StackWalker.StackFrame[1];
        boolean viaProbe = walker.walk(frames -> {
            Iterator<StackWalker.StackFrame> it = frames.iterator();
            StackWalker.StackFrame f = it.hasNext() ? it.next() : null;
            while (f != null && f.getDeclaringClass() == ProbeSink.class) {
                f = it.hasNext() ? it.next() : null;
            }
            if (f == null || f.getDeclaringClass() != probeClass) {
                found[0] = f;
                return false;
            }
            while (f != null && f.getDeclaringClass() == probeClass) {
                f = it.hasNext() ? it.next() : null;
            }
            found[0] = f;
            return true;
        });
        StackWalker.StackFrame caller = found[0];
        if (!viaProbe || !trusted(caller)) {
            reject(caller, id);
            return;
        }
        RunState.Current test = state.current();
        state.report.probe(id, test == null ? null : test.id(), Canon.encode(value));
    }

    private boolean trusted(StackWalker.StackFrame caller) {
        WorkspaceLoader workspace = loader;
        if (caller == null || workspace == null) {
            return false;
        }
        Class<?> type = caller.getDeclaringClass();
        return type.getClassLoader() == workspace && workspace.defines(type.getName())
                && state.requestTests.contains(state.fileOf(type.getName()));
    }

    private void reject(StackWalker.StackFrame caller, int id) {
        String who = caller == null ? "an unknown caller" : caller.getClassName() + "." + caller.getMethodName();
        synchronized (reported) {
            if (reported.size() >= MAX_EVENTS || !reported.add(who)) {
                return;
            }
        }
        String path = caller == null ? null : state.fileOf(caller.getClassName());
        Integer line = caller == null || caller.getLineNumber() < 0 ? null : caller.getLineNumber();
        state.integrity("framework-patch", "dev.assay.harness.Probe.record(" + id + ", …) called from " + who
                + ", which is not a request test: its value is ignored", path, line);
    }
}
