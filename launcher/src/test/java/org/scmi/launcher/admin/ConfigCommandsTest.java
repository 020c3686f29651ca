package org.scmi.launcher.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class ConfigCommandsTest {

    @Test
    void propertiesShowTheirTypeValueOrDefaultAndDescription() {
        List<AttributeDefinition> attributes = List.of(
                new TestAttribute("root", AttributeDefinition.STRING, 0, null, new String[] {"INFO"},
                        "Level of every logger.", value -> null),
                new TestAttribute("levels", AttributeDefinition.STRING, Integer.MAX_VALUE, null, null,
                        "Levels of single loggers.", value -> null),
                new TestAttribute("secret", AttributeDefinition.PASSWORD, 0, null, null, "", value -> null));
        Map<String, Object> properties = Map.of(
                "levels", new String[] {"org.scmi.transport=DEBUG", "org.scmi.trace=INFO"},
                "secret", "hunter2",
                "extra", 5L,
                "service.pid", "org.scmi.logging");
        assertEquals("""
                KEY     TYPE      VALUE
                root    String    (default) INFO
                levels  String[]  org.scmi.transport=DEBUG,org.scmi.trace=INFO
                secret  Password  ********
                extra   Long      5

                root: Level of every logger.
                levels: Levels of single loggers.
                extra: (not described)
                """, ConfigCommands.propertyTable(attributes, properties));
    }
}
