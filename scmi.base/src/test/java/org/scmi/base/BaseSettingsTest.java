package org.scmi.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaseSettingsTest {
    private final List<String> problems = new ArrayList<>();

    private BaseSettings settings(Map<String, Object> values) {
        return BaseSettings.from(Configs.of(values), problems::add);
    }

    @Test
    void defaults() {
        assertEquals(new BaseSettings("SCMI-OSGi", "Java", 0x10000, "platform"), settings(Map.of()));
        assertEquals(List.of(), problems);
    }

    @Test
    void validValuesAreKept() {
        assertEquals(new BaseSettings("123456789012345", "~ !", 0xFFFFFFFF, "p"),
                settings(Map.of("vendor", "123456789012345", "sub_vendor", "~ !",
                        "implementation_version", 0xFFFFFFFFL, "platform_name", "p")));
        assertEquals(List.of(), problems);
    }

    @Test
    void eachInvalidValueIsReportedByNameAndReplacedByItsDefault() {
        BaseSettings settings = settings(Map.of("vendor", "1234567890123456", "sub_vendor", "Über",
                "implementation_version", 0x1_0000_0000L, "platform_name", "tab\there"));
        assertEquals(new BaseSettings("SCMI-OSGi", "Java", 0x10000, "platform"), settings);
        assertEquals(4, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("vendor = \"1234567890123456\""), problems.get(0));
        assertTrue(problems.get(1).startsWith("sub.vendor = \"Über\""), problems.get(1));
        assertTrue(problems.get(2).startsWith("implementation.version = 4294967296"), problems.get(2));
        assertTrue(problems.get(3).startsWith("platform.name = \"tab\there\""), problems.get(3));
    }

    @Test
    void emptyNamesAndNegativeVersionsAreInvalid() {
        BaseSettings settings = settings(Map.of("vendor", "", "implementation_version", -1L));
        assertEquals(new BaseSettings("SCMI-OSGi", "Java", 0x10000, "platform"), settings);
        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("using \"SCMI-OSGi\""), problems.get(0));
        assertTrue(problems.get(1).contains("using 0x00010000"), problems.get(1));
    }
}
