package org.scmi.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.scmi.launcher.ConfigurationFile.InvalidConfigurationException;

/**
 * Fuzz target: the {@code --config} file with any bytes in it (the seed is the README's example).
 *
 * <p>Invariants: the file is either read into configurations whose every property value is one of
 * the types Configuration Admin accepts (String, Long, Double, Boolean, or an array of one of them)
 * or refused with an {@link InvalidConfigurationException} whose message names the file; nothing
 * else escapes.
 */
class ConfigurationFileFuzzTest {
    private static Path file;

    @BeforeAll
    static void createFile() throws Exception {
        file = Files.createTempFile("server", ".json");
    }

    @AfterAll
    static void deleteFile() throws Exception {
        Files.deleteIfExists(file);
    }

    @FuzzTest
    void read(byte[] contents) throws Exception {
        Files.write(file, contents);
        ConfigurationFile configuration;
        try {
            configuration = ConfigurationFile.read(file);
        } catch (InvalidConfigurationException e) {
            assertTrue(e.getMessage().contains(file.toString()), "the error names the file: " + e.getMessage());
            return;
        }
        for (Dictionary<String, Object> properties : configuration.configurations().values()) {
            for (String name : Collections.list(properties.keys())) {
                Object value = properties.get(name);
                Class<?> type = value.getClass().isArray() ? value.getClass().getComponentType() : value.getClass();
                assertTrue(type == String.class || type == Long.class || type == Double.class || type == Boolean.class,
                        name + " has a value of type " + value.getClass().getSimpleName());
            }
        }
    }
}
