package dev.assay.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/** Avro records as plain maps for JSON output: field names kept, enums by name, timestamps in ISO-8601. */
final class Avro {
    private Avro() {
    }

    static Map<String, Object> toMap(IndexedRecord record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            out.put(field.name(), plain(record.get(field.pos())));
        }
        return out;
    }

    private static Object plain(Object value) {
        return switch (value) {
            case null -> null;
            case IndexedRecord r -> toMap(r);
            case Instant i -> i.toString();
            case CharSequence s -> s.toString();
            case Enum<?> e -> e.name();
            case List<?> list -> {
                List<Object> items = new ArrayList<>();
                list.forEach(v -> items.add(plain(v)));
                yield items;
            }
            case Map<?, ?> map -> {
                Map<String, Object> items = new LinkedHashMap<>();
                map.forEach((k, v) -> items.put(String.valueOf(k), plain(v)));
                yield items;
            }
            default -> value;
        };
    }
}
