package dev.assay.executor.kubernetes;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.custom.QuantityFormatException;
import java.time.Duration;

/**
 * What one sandbox Job may use.
 *
 * @param activeDeadline     the Job's {@code activeDeadlineSeconds} (rounded up to whole seconds): wall-clock time
 *                           from the Job's start, including scheduling and image pull
 * @param cpuRequest         container CPU request as a Kubernetes quantity, e.g. {@code 250m}
 * @param cpuLimit           container CPU limit, e.g. {@code 1}
 * @param memoryRequestBytes container memory request
 * @param memoryLimitBytes   container memory limit; exceeding it gets the container OOM-killed
 * @param workspaceBytes     {@code sizeLimit} of each emptyDir ({@code /workspace} and {@code /tmp}); exceeding it
 *                           gets the pod evicted
 * @param logBytes           container log bytes kept; more is cut and flagged as truncated
 */
public record JobLimits(Duration activeDeadline, String cpuRequest, String cpuLimit, long memoryRequestBytes,
        long memoryLimitBytes, long workspaceBytes, int logBytes) {

    public JobLimits {
        if (activeDeadline.isNegative() || activeDeadline.isZero()) {
            throw new IllegalArgumentException("active deadline must be positive, was " + activeDeadline);
        }
        requireQuantity("cpu request", cpuRequest);
        requireQuantity("cpu limit", cpuLimit);
        if (memoryRequestBytes <= 0 || memoryLimitBytes <= 0 || workspaceBytes <= 0 || logBytes <= 0) {
            throw new IllegalArgumentException("job limits must be positive: memory request " + memoryRequestBytes
                    + ", memory limit " + memoryLimitBytes + ", workspace " + workspaceBytes + ", log " + logBytes + " bytes");
        }
        if (memoryRequestBytes > memoryLimitBytes) {
            throw new IllegalArgumentException("memory request " + memoryRequestBytes + " exceeds memory limit " + memoryLimitBytes);
        }
    }

    /** {@link #activeDeadline()} in whole seconds, rounded up. */
    public long activeDeadlineSeconds() {
        long seconds = activeDeadline.toSeconds();
        return activeDeadline.equals(Duration.ofSeconds(seconds)) ? seconds : seconds + 1;
    }

    public JobLimits withActiveDeadline(Duration value) {
        return new JobLimits(value, cpuRequest, cpuLimit, memoryRequestBytes, memoryLimitBytes, workspaceBytes, logBytes);
    }

    /** A copy with this memory limit; the request is lowered to the limit when it was higher. */
    public JobLimits withMemoryLimitBytes(long value) {
        return new JobLimits(activeDeadline, cpuRequest, cpuLimit, Math.min(memoryRequestBytes, value), value,
                workspaceBytes, logBytes);
    }

    public JobLimits withWorkspaceBytes(long value) {
        return new JobLimits(activeDeadline, cpuRequest, cpuLimit, memoryRequestBytes, memoryLimitBytes, value, logBytes);
    }

    public JobLimits withLogBytes(int value) {
        return new JobLimits(activeDeadline, cpuRequest, cpuLimit, memoryRequestBytes, memoryLimitBytes, workspaceBytes, value);
    }

    private static void requireQuantity(String what, String value) {
        try {
            if (value == null || Quantity.fromString(value).getNumber().signum() <= 0) {
                throw new IllegalArgumentException(what + " must be a positive Kubernetes quantity, was '" + value + "'");
            }
        } catch (QuantityFormatException e) {
            throw new IllegalArgumentException(what + " is not a Kubernetes quantity: '" + value + "'", e);
        }
    }
}
