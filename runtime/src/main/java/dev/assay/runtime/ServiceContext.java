package dev.assay.runtime;

import dev.assay.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;

/** What every service is built from: its raw config, the shared settings, the topic catalogue and its meters. */
public record ServiceContext(AssayConfig config, CommonSettings settings, Topics topics, MeterRegistry meters) {

    public static ServiceContext create(String service, AssayConfig config, MeterRegistry meters) {
        CommonSettings settings = CommonSettings.from(service, config);
        return new ServiceContext(config, settings, settings.topics(), meters);
    }
}
