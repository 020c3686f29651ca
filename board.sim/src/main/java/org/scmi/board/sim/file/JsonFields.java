package org.scmi.board.sim.file;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One JSON object of the board file with its path ({@code clocks[1]}), read field by field: every
 * wrong, missing or unknown value is reported with the file, its path and what was expected.
 */
public final class JsonFields {
    private final String source;
    private final String path;
    private final JsonObject object;

    JsonFields(String source, String path, JsonObject object) {
        this.source = source;
        this.path = path;
        this.object = object;
    }

    /** Where this object is, for messages: {@code clocks[1]}. */
    public String path() {
        return path;
    }

    /** An error about {@code field} of this object, or about the object itself if {@code field} is empty. */
    public BoardFileException error(String field, String problem) {
        return new BoardFileException(source + ": " + where(field) + ": " + problem);
    }

    /** Fails on any field not in {@code known}: a misspelt field would otherwise be ignored silently. */
    public void onlyFields(Set<String> known) throws BoardFileException {
        for (String field : object.keySet()) {
            if (!known.contains(field)) {
                throw error(field, "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** The fields of this object in file order, for objects whose field names are data. */
    public List<String> fieldNames() {
        return List.copyOf(object.keySet());
    }

    public boolean has(String field) {
        return object.has(field) && !object.get(field).isJsonNull();
    }

    public String string(String field) throws BoardFileException {
        JsonElement value = required(field);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString() || value.getAsString().isEmpty()) {
            throw error(field, "expected a non-empty string, found " + value);
        }
        return value.getAsString();
    }

    public String string(String field, String fallback) throws BoardFileException {
        return has(field) ? string(field) : fallback;
    }

    public boolean bool(String field, boolean fallback) throws BoardFileException {
        if (!has(field)) {
            return fallback;
        }
        JsonElement value = object.get(field);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw error(field, "expected true or false, found " + value);
        }
        return value.getAsBoolean();
    }

    /** A whole number in {@code min..max}. */
    public long integer(String field, long min, long max) throws BoardFileException {
        return integer(where(field), required(field), min, max);
    }

    public long integer(String field, long min, long max, long fallback) throws BoardFileException {
        return has(field) ? integer(field, min, max) : fallback;
    }

    /** An array of whole numbers, each in {@code min..max}. */
    public List<Long> integers(String field, long min, long max) throws BoardFileException {
        JsonArray array = array(field);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            values.add(integer(where(field) + "[" + i + "]", array.get(i), min, max));
        }
        return values;
    }

    /** A value of any JSON type, for the caller to interpret. */
    public JsonElement value(String field) throws BoardFileException {
        return required(field);
    }

    /** An array of values of any JSON type, for the caller to interpret. */
    public List<JsonElement> values(String field) throws BoardFileException {
        return array(field).asList();
    }

    public List<String> strings(String field) throws BoardFileException {
        JsonArray array = array(field);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonElement value = array.get(i);
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw new BoardFileException(source + ": " + where(field) + "[" + i + "]: expected a string, found "
                        + value);
            }
            values.add(value.getAsString());
        }
        return values;
    }

    /** A nested object. */
    public JsonFields object(String field) throws BoardFileException {
        JsonElement value = required(field);
        if (!value.isJsonObject()) {
            throw error(field, "expected an object, found " + value);
        }
        return new JsonFields(source, where(field), value.getAsJsonObject());
    }

    /** An array of objects; a missing field is an empty list. */
    public List<JsonFields> objects(String field) throws BoardFileException {
        if (!has(field)) {
            return List.of();
        }
        JsonArray array = array(field);
        List<JsonFields> objects = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String itemPath = where(field) + "[" + i + "]";
            if (!array.get(i).isJsonObject()) {
                throw new BoardFileException(source + ": " + itemPath + ": expected an object, found " + array.get(i));
            }
            objects.add(new JsonFields(source, itemPath, array.get(i).getAsJsonObject()));
        }
        return objects;
    }

    private JsonArray array(String field) throws BoardFileException {
        JsonElement value = required(field);
        if (!value.isJsonArray()) {
            throw error(field, "expected an array, found " + value);
        }
        return value.getAsJsonArray();
    }

    private JsonElement required(String field) throws BoardFileException {
        if (!has(field)) {
            throw error(field, "missing");
        }
        return object.get(field);
    }

    private long integer(String where, JsonElement value, long min, long max) throws BoardFileException {
        Optional<Long> number = Optional.of(value).filter(JsonElement::isJsonPrimitive)
                .map(JsonElement::getAsJsonPrimitive).filter(JsonPrimitive::isNumber)
                .flatMap(JsonFields::exactLong);
        if (number.isEmpty() || number.get() < min || number.get() > max) {
            throw new BoardFileException(source + ": " + where + ": expected a whole number in " + min + ".." + max
                    + ", found " + value);
        }
        return number.get();
    }

    private static Optional<Long> exactLong(JsonPrimitive number) {
        // Whole numbers written plainly, as boards write them, are read without BigDecimal: its
        // first use costs the server's start some 20 ms. Other forms (1e3, 5.0) still count.
        String text = number.getAsString();
        if (isPlainInteger(text)) {
            try {
                return Optional.of(Long.parseLong(text));
            } catch (NumberFormatException outOfRange) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(number.getAsBigDecimal().longValueExact());
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static boolean isPlainInteger(String text) {
        int first = text.startsWith("-") ? 1 : 0;
        if (text.length() == first) {
            return false;
        }
        for (int i = first; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private String where(String field) {
        if (field.isEmpty()) {
            return path;
        }
        return path.isEmpty() ? field : path + "." + field;
    }
}
