package org.scmi.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationFileTest {
    @TempDir
    Path folder;

    private Path file(String json) throws IOException {
        return Files.writeString(folder.resolve("scmi-server.json"), json);
    }

    private String problem(String json) throws IOException {
        Path file = file(json);
        return assertThrows(ConfigurationFile.InvalidConfigurationException.class, () -> ConfigurationFile.read(file))
                .getMessage();
    }

    @Test
    void readsConfigurationsAndTheirTypedProperties() throws Exception {
        ConfigurationFile read = ConfigurationFile.read(file("""
                { "org.scmi.agent~ivi": { "clocks": ["cpu_clk", "gpu_clk"], "trusted": true },
                  "org.scmi.base": { "implementationVersion": 65538 } }"""));
        Dictionary<String, Object> ivi = read.configurations().get("org.scmi.agent~ivi");
        assertArrayEquals(new String[] {"cpu_clk", "gpu_clk"}, (String[]) ivi.get("clocks"));
        assertEquals(Boolean.TRUE, ivi.get("trusted"));
        assertEquals(65538L, read.configurations().get("org.scmi.base").get("implementationVersion"));
    }

    @Test
    void aKeyWrittenTwiceIsAnErrorNotAnOverwrite() throws Exception {
        assertTrue(problem("""
                { "org.scmi.agent~ivi": { "clocks": ["cpu_clk"] },
                  "org.scmi.agent~ivi": { "clocks": ["gpu_clk"] } }""")
                .endsWith(": 'org.scmi.agent~ivi' appears twice"));
        assertTrue(problem("{ \"org.scmi.agent~ivi\": { \"clocks\": [\"a\"], \"clocks\": [\"b\"] } }")
                .endsWith(": 'org.scmi.agent~ivi/clocks' appears twice"));
    }

    @Test
    void whatIsNotStrictJsonIsNotAConfiguration() throws Exception {
        assertTrue(problem("{ \"org.scmi.base\": { vendor: \"Acme\" } }").contains("is not valid JSON"));
        assertTrue(problem("{ \"org.scmi.base\": { \"vendor\": \"Acme\" }").contains("is not valid JSON"));
        assertTrue(problem("").contains("is not valid JSON"));
        assertTrue(problem("{} {}").contains("is not valid JSON"), "two objects");
        assertTrue(problem("[]").contains("the top level must be an object of PIDs"));
        assertTrue(problem("{ \"org.scmi.base\": { \"vendor\": null } }").contains("'org.scmi.base/vendor' has no value"));
        Path missing = folder.resolve("missing.json");
        assertTrue(assertThrows(ConfigurationFile.InvalidConfigurationException.class,
                () -> ConfigurationFile.read(missing)).getMessage().startsWith("cannot read configuration file"));
    }
}
