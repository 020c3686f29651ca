package org.scmi.launcher;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's configuration file: a JSON object whose keys are configuration PIDs (or
 * {@code factoryPid~name} for factory configurations, as in the OSGi Configurator format) and
 * whose values are objects of properties. Property values are strings, numbers, booleans, or
 * arrays of one of those. A key written twice in one object is an error, not a silent overwrite.
 *
 * <pre>
 * {
 *   "org.scmi.base": { "vendor": "Acme" },
 *   "org.scmi.logging": { "root": "INFO", "levels": ["org.scmi.transport=DEBUG"] }
 * }
 * </pre>
 */
record ConfigurationFile(Map<String, Dictionary<String, Object>> configurations) {

    /** A configuration file that cannot be used, naming the file and the offending entry. */
    static final class InvalidConfigurationException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidConfigurationException(String message) {
            super(message);
        }
    }

    static ConfigurationFile read(Path file) throws InvalidConfigurationException {
        try (Reader reader = Files.newBufferedReader(file)) {
            JsonReader json = new JsonReader(reader);
            json.setStrictness(Strictness.STRICT);
            JsonElement root = element(json, file.toString(), "");
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw new InvalidConfigurationException("configuration file " + file + " has more after its object");
            }
            return parse(root, file.toString());
        } catch (MalformedJsonException | EOFException | JsonParseException | NumberFormatException e) {
            throw new InvalidConfigurationException("configuration file " + file + " is not valid JSON: "
                    + e.getMessage());
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot read configuration file " + file + ": " + e.getMessage());
        }
    }

    /**
     * One JSON value, refusing an object that names a key twice: JSON parsers keep the last one,
     * which would silently drop a configuration (two agent profiles with the same PID).
     */
    private static JsonElement element(JsonReader json, String source, String path)
            throws IOException, InvalidConfigurationException {
        switch (json.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                json.beginObject();
                while (json.hasNext()) {
                    String key = json.nextName();
                    String keyPath = path.isEmpty() ? key : path + "/" + key;
                    if (object.has(key)) {
                        throw new InvalidConfigurationException(source + ": '" + keyPath + "' appears twice");
                    }
                    object.add(key, element(json, source, keyPath));
                }
                json.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                json.beginArray();
                while (json.hasNext()) {
                    array.add(element(json, source, path));
                }
                json.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(json.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new BigDecimal(json.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(json.nextBoolean());
            }
            case NULL -> {
                json.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new InvalidConfigurationException(source + ": unexpected " + json.peek() + " at '"
                    + path + "'");
        }
    }

    static ConfigurationFile parse(JsonElement root, String source) throws InvalidConfigurationException {
        if (!root.isJsonObject()) {
            throw new InvalidConfigurationException(source + ": the top level must be an object of PIDs");
        }
        Map<String, Dictionary<String, Object>> configurations = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> pid : root.getAsJsonObject().entrySet()) {
            if (!pid.getValue().isJsonObject()) {
                throw new InvalidConfigurationException(source + ": '" + pid.getKey() + "' must be an object of properties");
            }
            Dictionary<String, Object> properties = new Hashtable<>();
            for (Map.Entry<String, JsonElement> property : pid.getValue().getAsJsonObject().entrySet()) {
                String name = pid.getKey() + "/" + property.getKey();
                properties.put(property.getKey(), value(property.getValue(), source, name));
            }
            configurations.put(pid.getKey(), properties);
        }
        return new ConfigurationFile(configurations);
    }

    private static Object value(JsonElement element, String source, String name) throws InvalidConfigurationException {
        if (element.isJsonPrimitive()) {
            return scalar(element.getAsJsonPrimitive());
        }
        if (element.isJsonArray()) {
            JsonArray array = element.getAsJsonArray();
            Object[] values = new Object[array.size()];
            for (int i = 0; i < values.length; i++) {
                if (!array.get(i).isJsonPrimitive()) {
                    throw new InvalidConfigurationException(source + ": property '" + name
                            + "' must be an array of strings, numbers or booleans");
                }
                values[i] = scalar(array.get(i).getAsJsonPrimitive());
            }
            return homogeneous(values, source, name);
        }
        if (element instanceof JsonObject) {
            // Nested objects have no ConfigAdmin type: keep them as JSON text for components that parse it.
            return element.toString();
        }
        throw new InvalidConfigurationException(source + ": property '" + name + "' has no value");
    }

    private static Object scalar(JsonPrimitive primitive) {
        if (primitive.isBoolean()) {
            return primitive.getAsBoolean();
        }
        if (primitive.isNumber()) {
            double number = primitive.getAsDouble();
            if (number == Math.rint(number) && Math.abs(number) < 0x1p53) {
                return primitive.getAsLong();
            }
            return number;
        }
        return primitive.getAsString();
    }

    /** ConfigAdmin arrays hold one type; numbers and booleans of a mixed array become strings. */
    private static Object homogeneous(Object[] values, String source, String name) {
        if (values.length == 0) {
            return new String[0];
        }
        Class<?> type = values[0].getClass();
        for (Object value : values) {
            if (value.getClass() != type) {
                String[] strings = new String[values.length];
                for (int i = 0; i < values.length; i++) {
                    strings[i] = String.valueOf(values[i]);
                }
                return strings;
            }
        }
        Object typed = java.lang.reflect.Array.newInstance(type, values.length);
        System.arraycopy(values, 0, typed, 0, values.length);
        return typed;
    }
}
