package dev.assay.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared {@code main} of every service: config → service → metrics and health endpoint → start → wait for
 * SIGTERM → stop. A service's own main is one line that names it and says how to build it.
 */
public final class ServiceLauncher {
    private static final Logger log = LoggerFactory.getLogger(ServiceLauncher.class);

    private ServiceLauncher() {
    }

    public static void run(String service, String[] args, Function<ServiceContext, AssayService> factory) {
        AssayConfig config = AssayConfig.fromEnvironment(args);
        CommonSettings settings = CommonSettings.from(service, config);
        log.info("starting {} with {}", service, config.redacted());
        PrometheusMeterRegistry meters = ServiceMetrics.create(service, settings.instanceId());
        AssayService instance = factory.apply(new ServiceContext(config, settings, settings.topics(), meters));
        CountDownLatch stopped = new CountDownLatch(1);
        try (HealthServer health = HealthServer.start(settings.metricsPort(), meters, List.of(instance))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("stopping {}", service);
                instance.stop();
                stopped.countDown();
            }, service + "-shutdown"));
            instance.start();
            log.info("{} started; metrics and health on port {}", service, health.port());
            while (!stopped.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                if (!instance.isAlive()) {
                    log.error("{} is no longer alive; exiting so the supervisor restarts it", service);
                    instance.stop();
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
