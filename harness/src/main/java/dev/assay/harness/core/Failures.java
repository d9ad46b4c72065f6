package dev.assay.harness.core;

/** How a throwable from a test becomes a report entry: status, message and resource hint. */
final class Failures {
    private Failures() {
    }

    /** FAILED for assertion errors (JUnit's and plain {@link AssertionError}s), ERROR for anything else. */
    static String status(Throwable e) {
        return e instanceof AssertionError ? "FAILED" : "ERROR";
    }

    /** The exception's class and message and its first frame outside the JDK, JUnit and the harness. */
    static String describe(Throwable e) {
        if (e == null) {
            return null;
        }
        StringBuilder text = new StringBuilder(e.getClass().getName());
        String message;
        try {
            message = e.getMessage();
        } catch (Throwable t) {
            message = "<getMessage threw " + t.getClass().getName() + ">";
        }
        if (message != null) {
            text.append(": ").append(message);
        }
        try {
            for (StackTraceElement frame : e.getStackTrace()) {
                String c = frame.getClassName();
                if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.") && !c.startsWith("org.junit.")
                        && !c.startsWith("org.opentest4j.") && !c.startsWith("dev.assay.harness.")) {
                    text.append("\n\tat ").append(frame);
                    break;
                }
            }
        } catch (Throwable t) {
            // A throwable whose stack trace cannot be read still has a class and a message.
        }
        return Report.cut(text.toString(), Report.MAX_MESSAGE);
    }

    /** The sandbox limit an exception points at (MEMORY, PIDS, NETWORK, DISK), or null. */
    static String resource(Throwable e) {
        int hops = 0;
        for (Throwable t = e; t != null && hops < 32; t = t.getCause(), hops++) {
            String message;
            try {
                message = String.valueOf(t.getMessage());
            } catch (Throwable x) {
                message = "";
            }
            if (t instanceof OutOfMemoryError) {
                return message.contains("native thread") ? "PIDS" : "MEMORY";
            }
            if (t instanceof java.net.UnknownHostException || t instanceof java.net.NoRouteToHostException
                    || message.contains("Network is unreachable")) {
                return "NETWORK";
            }
            if (message.contains("No space left on device") || message.contains("File too large")) {
                return "DISK";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
