package org.scmi.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.scmi.api.ResourceKind;

class ProfileParserTest {
    private static final String IVI = "org.scmi.agent~ivi";

    private static String problem(Map<String, Object> properties) {
        return assertThrows(IllegalArgumentException.class, () -> ProfileParser.parse(IVI, properties)).getMessage();
    }

    @Test
    void theExampleProfileListsResourcesPerKindInOrderAndDerivesItsProtocols() {
        Profile ivi = ProfileParser.parse(IVI, Map.of("clocks", new String[] {"cpu_clk", "gpu_clk"},
                "powerDomains", new String[] {"gpu_pd", "vpu_pd"}, "sensors", List.of("soc_temp", "accel"),
                "service.pid", IVI, "service.factoryPid", ProfileParser.FACTORY_PID));
        assertEquals("ivi", ivi.name(), "the name after ~");
        assertEquals(Set.of(0x11, 0x14, 0x15), ivi.protocols());
        assertEquals(List.of("cpu_clk", "gpu_clk"), ivi.resources().get(ResourceKind.CLOCKS));
        assertEquals(List.of("soc_temp", "accel"), ivi.resources().get(ResourceKind.SENSORS));
        assertFalse(ivi.trusted());
        assertEquals("", ivi.xenUuid());
        assertFalse(ivi.releaseOnDisconnect());
    }

    @Test
    void everyPropertyOfAProfile() {
        Profile admin = ProfileParser.parse("org.scmi.agent~a", Map.of("name", "admin", "protocols",
                new String[] {"clock", "0x15", "pinctrl"}, "clocks", new String[] {"*"}, "pins", "a, b",
                "exclusive", new String[] {"b"}, "trusted", true, "xenUuid", "6F1C3A52-0B7E-4D1A-9F1E-2A8C4B3D5E71",
                "releaseOnDisconnect", "true"));
        assertEquals("admin", admin.name());
        assertEquals(Set.of(0x14, 0x15, 0x19), admin.protocols());
        assertTrue(admin.seesEverything(ResourceKind.CLOCKS));
        assertNull(admin.resources().get(ResourceKind.CLOCKS));
        assertEquals(List.of("a", "b"), admin.resources().get(ResourceKind.PINS), "a shell-typed list");
        assertEquals(Set.of("b"), admin.exclusive());
        assertTrue(admin.trusted());
        assertEquals("6f1c3a52-0b7e-4d1a-9f1e-2a8c4b3d5e71", admin.xenUuid());
        assertTrue(admin.releaseOnDisconnect());
    }

    @Test
    void anythingNotUnderstoodIsRefusedNamingTheConfigurationAndTheProperty() {
        assertEquals(IVI + ": unknown property 'clcks' (known: name, protocols, powerDomains, performanceDomains, "
                + "clocks, sensors, resetDomains, voltageDomains, powercapDomains, pins, pinGroups, pinFunctions, "
                + "exclusive, trusted, xenUuid, releaseOnDisconnect)", problem(Map.of("clcks", "cpu_clk")));
        assertTrue(problem(Map.of("protocols", "clock,sensr")).contains("'protocols' names 'sensr'"));
        assertTrue(problem(Map.of("protocols", "base")).contains("'protocols' names 'base'"), "Base is always there");
        assertTrue(problem(Map.of("protocols", "sensor", "clocks", "cpu_clk"))
                .contains("'clocks' are resources of protocol 0x14 (clock), which 'protocols' does not list"));
        assertTrue(problem(Map.of("clocks", new String[] {"*", "cpu_clk"})).contains("together with names"));
        assertTrue(problem(Map.of("clocks", new String[] {"cpu_clk", "cpu_clk"})).contains("lists 'cpu_clk' twice"));
        assertTrue(problem(Map.of("clocks", "cpu_clk", "exclusive", "gpu_clk"))
                .contains("exclusive resource 'gpu_clk' is not in one of the profile's own resource lists"));
        assertTrue(problem(Map.of("clocks", "*", "exclusive", "cpu_clk")).contains("exclusive resource 'cpu_clk'"));
        assertTrue(problem(Map.of("trusted", "yes")).contains("'trusted' must be true or false"));
        assertTrue(problem(Map.of("xenUuid", "not-a-uuid")).contains("is not a UUID"));
        assertTrue(problem(Map.of("name", "two words")).contains("agent name 'two words'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ProfileParser.parse("org.scmi.agent.generated", Map.of())).getMessage()
                .contains("agent name ''"), "an unnamed factory configuration needs a name");
    }

    @Test
    void aProtocolWithoutItsResourceListSeesNoneOfThem() {
        Profile sensorsOnly = ProfileParser.parse(IVI, Map.of("protocols", "sensor,clock"));
        assertEquals(Set.of(0x14, 0x15), sensorsOnly.protocols());
        assertTrue(sensorsOnly.resources().isEmpty());
    }
}
