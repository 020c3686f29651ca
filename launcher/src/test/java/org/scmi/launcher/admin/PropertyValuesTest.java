package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class PropertyValuesTest {

    @Test
    void valuesGetTheAttributesType() throws Exception {
        assertEquals(250L, PropertyValues.typed("p/k", TestAttribute.of("k", AttributeDefinition.LONG, 0),
                List.of("250")));
        assertEquals(0x15, PropertyValues.typed("p/k", TestAttribute.of("k", AttributeDefinition.INTEGER, 0),
                List.of("0x15")));
        assertEquals(Boolean.TRUE, PropertyValues.typed("p/k", TestAttribute.of("k", AttributeDefinition.BOOLEAN, 0),
                List.of("TRUE")));
        assertEquals(2.5, PropertyValues.typed("p/k", TestAttribute.of("k", AttributeDefinition.DOUBLE, 0),
                List.of("2.5")));
        assertEquals("a b", PropertyValues.typed("p/k", TestAttribute.of("k", AttributeDefinition.STRING, 0),
                List.of("a b")));
    }

    @Test
    void listsBecomeTypedArrays() throws Exception {
        Object value = PropertyValues.typed("p/k", TestAttribute.of("k", AttributeDefinition.INTEGER, 5),
                List.of("1", "2", "3"));
        assertArrayEquals(new Integer[] {1, 2, 3}, (Integer[]) value);
        Object strings = PropertyValues.typed("p/k", TestAttribute.of("k", AttributeDefinition.STRING,
                Integer.MAX_VALUE), List.of("a=DEBUG", "b=INFO"));
        assertArrayEquals(new String[] {"a=DEBUG", "b=INFO"}, (String[]) strings);
    }

    @Test
    void aBadValueIsReportedByPropertyName() {
        assertEquals("org.scmi.base/agents: 'many' is not an Integer", message(
                TestAttribute.of("agents", AttributeDefinition.INTEGER, 0), List.of("many")));
        assertEquals("org.scmi.base/agents: 'yes' is not a Boolean", message(
                TestAttribute.of("agents", AttributeDefinition.BOOLEAN, 0), List.of("yes")));
        assertEquals("org.scmi.base/agents takes one value, not 2", message(
                TestAttribute.of("agents", AttributeDefinition.STRING, 0), List.of("a", "b")));
        assertEquals("org.scmi.base/agents takes at most 2 values, not 3", message(
                TestAttribute.of("agents", AttributeDefinition.STRING, 2), List.of("a", "b", "c")));
        TestAttribute mode = new TestAttribute("mode", AttributeDefinition.STRING, 0,
                new String[] {"auto", "real", "sim"}, null, "", value -> null);
        assertEquals("org.scmi.base/agents: 'fake' is not one of auto, real, sim", message(mode, List.of("fake")));
    }

    @Test
    void theAttributesOwnValidationIsHeard() {
        TestAttribute bounded = new TestAttribute("n", AttributeDefinition.INTEGER, 0, null, null, "",
                value -> Integer.parseInt(value) > 8 ? "at most 8" : "");
        assertEquals("org.scmi.base/agents: '9' is not valid: at most 8", message(bounded, List.of("9")));
    }

    @Test
    void valuesAreShownCommaSeparated() {
        assertEquals("1,2", PropertyValues.show(new int[] {1, 2}));
        assertEquals("a,b", PropertyValues.show(List.of("a", "b")));
        assertEquals("x", PropertyValues.show("x"));
        assertEquals("Long[]", PropertyValues.typeName(TestAttribute.of("k", AttributeDefinition.LONG, -3)));
        assertEquals("Password", PropertyValues.typeName(TestAttribute.of("k", AttributeDefinition.PASSWORD, 0)));
    }

    private static String message(AttributeDefinition attribute, List<String> texts) {
        return assertThrows(PropertyValues.InvalidValueException.class,
                () -> PropertyValues.typed("org.scmi.base/agents", attribute, texts)).getMessage();
    }
}
