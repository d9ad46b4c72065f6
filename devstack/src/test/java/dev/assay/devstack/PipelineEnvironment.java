package dev.assay.devstack;

import dev.assay.runtime.AssayConfig;
import dev.assay.runtime.AssayService;
import dev.assay.runtime.CommonSettings;
import dev.assay.schemas.Topics;
import java.util.List;
import java.util.Map;

/** Where the pipeline scenarios run: Kafka and a registry (embedded or containers) plus the four services. */
interface PipelineEnvironment extends AutoCloseable {

    /** Starts Kafka, the registry and the services with these settings on top of the environment's own. */
    void start(AssayConfig base) throws Exception;

    /** The services' config, bootstrap servers and registry URL included. */
    AssayConfig config();

    List<AssayService> services();

    default Topics topics() {
        return CommonSettings.from("scenarios", config()).topics();
    }

    default Map<String, Object> kafkaProps() {
        return CommonSettings.from("scenarios", config()).kafkaClientProperties();
    }

    @Override
    void close();
}
