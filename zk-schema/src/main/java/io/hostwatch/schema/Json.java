package io.hostwatch.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The JSON codec of every record hostwatch stores in ZooKeeper: ISO-8601 instants, unknown
 * fields tolerated (fields are only ever added), payloads bounded by {@link ZkPaths#MAX_RECORD_BYTES}.
 */
public final class Json {
    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private Json() {
    }

    /** Applies hostwatch's settings to a mapper (Dropwizard's own, for example). */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object value) {
        try {
            byte[] bytes = MAPPER.writeValueAsBytes(value);
            if (bytes.length > ZkPaths.MAX_RECORD_BYTES) {
                throw new HostwatchException("record of " + bytes.length + " bytes exceeds "
                        + ZkPaths.MAX_RECORD_BYTES);
            }
            return bytes;
        } catch (JsonProcessingException e) {
            throw new HostwatchException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        if (bytes == null || bytes.length == 0) {
            throw new CorruptRecordException(type.getSimpleName() + " record is empty");
        }
        if (bytes.length > ZkPaths.MAX_RECORD_BYTES) {
            throw new CorruptRecordException(type.getSimpleName() + " record of " + bytes.length
                    + " bytes exceeds " + ZkPaths.MAX_RECORD_BYTES);
        }
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) {
                throw new CorruptRecordException(type.getSimpleName() + " record is null");
            }
            return value;
        } catch (IOException e) {
            throw new CorruptRecordException("cannot decode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
