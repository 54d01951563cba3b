package dev.capydb.webhook.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.events.EventJson;

/** JSON text of trees with the event catalog's mapper (snake_case, ISO times), without checked exceptions. */
public final class Json {

    private Json() {}

    public static String write(Object value) {
        try {
            return EventJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON", e);
        }
    }

    public static JsonNode tree(String json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored JSON is malformed", e);
        }
    }
}
