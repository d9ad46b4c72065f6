package dev.assay.harness;

import java.util.function.ObjIntConsumer;

/**
 * What a sealed assertion becomes (harness/PROTOCOL.md "Sealing"): {@code assertEquals(3, s.add(1, 2));} in a request
 * test is rewritten to {@code dev.assay.harness.Probe.record(17, s.add(1, 2));}. The harness records the value as
 * plain data with the id of the running test; the executor compares it with the expected value outside the sandbox.
 *
 * <p>Only calls made directly from a class compiled from one of the request's test files count; any other call is
 * reported as an integrity event and its value dropped. Outside the harness (no sink installed) calls do nothing.
 */
public final class Probe {
    private static final ObjIntConsumer<Object> SINK = ProbeHandoff.take();

    private Probe() {
    }

    /** Records {@code value} for probe {@code id}. */
    public static void record(int id, Object value) {
        ObjIntConsumer<Object> sink = SINK;
        if (sink != null) {
            sink.accept(value, id);
        }
    }

    public static void record(int id, int value) {
        ObjIntConsumer<Object> sink = SINK;
        if (sink != null) {
            sink.accept(value, id);
        }
    }

    public static void record(int id, long value) {
        ObjIntConsumer<Object> sink = SINK;
        if (sink != null) {
            sink.accept(value, id);
        }
    }

    public static void record(int id, double value) {
        ObjIntConsumer<Object> sink = SINK;
        if (sink != null) {
            sink.accept(value, id);
        }
    }

    public static void record(int id, float value) {
        ObjIntConsumer<Object> sink = SINK;
        if (sink != null) {
            sink.accept(value, id);
        }
    }

    public static void record(int id, char value) {
        ObjIntConsumer<Object> sink = SINK;
        if (sink != null) {
            sink.accept(value, id);
        }
    }

    public static void record(int id, boolean value) {
        ObjIntConsumer<Object> sink = SINK;
        if (sink != null) {
            sink.accept(value, id);
        }
    }

    public static void record(int id, short value) {
        ObjIntConsumer<Object> sink = SINK;
        if (sink != null) {
            sink.accept(value, id);
        }
    }

    public static void record(int id, byte value) {
        ObjIntConsumer<Object> sink = SINK;
        if (sink != null) {
            sink.accept(value, id);
        }
    }
}
