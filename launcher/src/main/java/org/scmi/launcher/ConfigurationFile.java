package org.scmi.launcher;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
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
 * arrays of one of those.
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
            return parse(JsonParser.parseReader(reader), file.toString());
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot read configuration file " + file + ": " + e.getMessage());
        } catch (JsonParseException e) {
            throw new InvalidConfigurationException("configuration file " + file + " is not valid JSON: "
                    + e.getMessage());
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
