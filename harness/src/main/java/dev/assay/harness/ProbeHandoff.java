package dev.assay.harness;

import java.util.function.ObjIntConsumer;

/**
 * Hands the harness's probe sink to {@link Probe}'s class initializer, which the harness triggers before any workspace
 * code loads. {@link Probe} keeps it in a {@code static final} field (reflection cannot replace it); what is offered
 * after that is never read.
 */
public final class ProbeHandoff {
    private static ObjIntConsumer<Object> pending;

    private ProbeHandoff() {
    }

    /** Offers the sink {@link Probe} will take when it is initialized. */
    public static synchronized void offer(ObjIntConsumer<Object> sink) {
        pending = sink;
    }

    static synchronized ObjIntConsumer<Object> take() {
        ObjIntConsumer<Object> sink = pending;
        pending = null;
        return sink;
    }
}
