package org.scmi.launcher.admin;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.osgi.service.metatype.AttributeDefinition;

/** Configuration property values typed as their metatype attribute describes them, and shown back as text. */
final class PropertyValues {
    /** A value that does not fit its attribute; the message names the property. */
    static final class InvalidValueException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidValueException(String message) {
            super(message);
        }
    }

    private PropertyValues() {
    }

    /**
     * The typed value of {@code texts} for attribute {@code attribute}: one element for a single
     * value, any number (within the cardinality) for an array.
     *
     * @param name {@code pid/key}, for messages
     */
    static Object typed(String name, AttributeDefinition attribute, List<String> texts) throws InvalidValueException {
        int cardinality = attribute.getCardinality();
        if (cardinality == 0 && texts.size() != 1) {
            throw new InvalidValueException(name + " takes one value, not " + texts.size());
        }
        int limit = cardinality == Integer.MAX_VALUE || cardinality == Integer.MIN_VALUE ? Integer.MAX_VALUE
                : Math.abs(cardinality);
        if (cardinality != 0 && texts.size() > limit) {
            throw new InvalidValueException(name + " takes at most " + limit + " values, not " + texts.size());
        }
        Object[] values = (Object[]) Array.newInstance(javaType(attribute.getType()), texts.size());
        for (int i = 0; i < values.length; i++) {
            values[i] = element(name, attribute, texts.get(i));
        }
        return cardinality == 0 ? values[0] : values;
    }

    private static Object element(String name, AttributeDefinition attribute, String text)
            throws InvalidValueException {
        String[] options = attribute.getOptionValues();
        if (options != null && options.length > 0 && !Arrays.asList(options).contains(text)) {
            throw new InvalidValueException(name + ": '" + text + "' is not one of " + String.join(", ", options));
        }
        Object value;
        try {
            value = parse(attribute.getType(), text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidValueException(name + ": '" + text + "' is not " + article(typeName(attribute.getType())));
        }
        if (value == null) {
            throw new InvalidValueException(name + ": '" + text + "' is not " + article(typeName(attribute.getType())));
        }
        String problem = attribute.validate(String.valueOf(value));
        if (problem != null && !problem.isEmpty()) {
            throw new InvalidValueException(name + ": '" + text + "' is not valid: " + problem);
        }
        return value;
    }

    /** The value of {@code text} as metatype type {@code type}, or null if it is not one. */
    @SuppressWarnings("deprecation")
    private static Object parse(int type, String text) {
        return switch (type) {
            case AttributeDefinition.LONG -> Long.decode(text);
            case AttributeDefinition.INTEGER -> Integer.decode(text);
            case AttributeDefinition.SHORT -> Short.decode(text);
            case AttributeDefinition.BYTE -> Byte.decode(text);
            case AttributeDefinition.DOUBLE -> Double.valueOf(text);
            case AttributeDefinition.FLOAT -> Float.valueOf(text);
            case AttributeDefinition.BIGINTEGER -> new BigInteger(text);
            case AttributeDefinition.BIGDECIMAL -> new BigDecimal(text);
            case AttributeDefinition.CHARACTER -> text.length() == 1 ? text.charAt(0) : null;
            case AttributeDefinition.BOOLEAN -> switch (text.toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> null;
            };
            default -> text;
        };
    }

    @SuppressWarnings("deprecation")
    private static Class<?> javaType(int type) {
        return switch (type) {
            case AttributeDefinition.LONG -> Long.class;
            case AttributeDefinition.INTEGER -> Integer.class;
            case AttributeDefinition.SHORT -> Short.class;
            case AttributeDefinition.BYTE -> Byte.class;
            case AttributeDefinition.DOUBLE -> Double.class;
            case AttributeDefinition.FLOAT -> Float.class;
            case AttributeDefinition.BIGINTEGER -> BigInteger.class;
            case AttributeDefinition.BIGDECIMAL -> BigDecimal.class;
            case AttributeDefinition.CHARACTER -> Character.class;
            case AttributeDefinition.BOOLEAN -> Boolean.class;
            default -> String.class;
        };
    }

    /** {@code Long}, {@code String[]}... as the shell shows an attribute's type. */
    static String typeName(AttributeDefinition attribute) {
        return typeName(attribute.getType()) + (attribute.getCardinality() == 0 ? "" : "[]");
    }

    private static String typeName(int type) {
        return type == AttributeDefinition.PASSWORD ? "Password" : javaType(type).getSimpleName();
    }

    private static String article(String type) {
        return ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
    }

    /** A property value as text: arrays and collections comma-separated. */
    static String show(Object value) {
        if (value == null) {
            return "";
        }
        if (value.getClass().isArray()) {
            return Arrays.stream(boxed(value)).map(PropertyValues::show).collect(Collectors.joining(","));
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(PropertyValues::show).collect(Collectors.joining(","));
        }
        return value.toString();
    }

    private static Object[] boxed(Object array) {
        Object[] elements = new Object[Array.getLength(array)];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = Array.get(array, i);
        }
        return elements;
    }
}
