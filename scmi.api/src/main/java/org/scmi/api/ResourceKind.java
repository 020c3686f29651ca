package org.scmi.api;

import java.util.List;
import java.util.Optional;

/**
 * One kind of resource a protocol numbers for its agents: a protocol with one kind (clocks, power
 * domains) has one, pin control has three (pins, groups, functions). Agent profiles name the
 * resources an agent sees per kind, under the kind's {@link #name()}, and a protocol asks an
 * agent's {@link AgentView} for the selection of each kind it numbers.
 *
 * @param protocolId the protocol that numbers these resources
 * @param name the profile property that lists them, e.g. {@code clocks}
 * @param noun what one of them is called in messages, e.g. {@code clock}
 */
public record ResourceKind(int protocolId, String name, String noun) {
    public static final ResourceKind POWER_DOMAINS = new ResourceKind(0x11, "powerDomains", "power domain");
    public static final ResourceKind PERFORMANCE_DOMAINS =
            new ResourceKind(0x13, "performanceDomains", "performance domain");
    public static final ResourceKind CLOCKS = new ResourceKind(0x14, "clocks", "clock");
    public static final ResourceKind SENSORS = new ResourceKind(0x15, "sensors", "sensor");
    public static final ResourceKind RESET_DOMAINS = new ResourceKind(0x16, "resetDomains", "reset domain");
    public static final ResourceKind VOLTAGE_DOMAINS = new ResourceKind(0x17, "voltageDomains", "voltage domain");
    public static final ResourceKind POWERCAP_DOMAINS = new ResourceKind(0x18, "powercapDomains", "powercap domain");
    public static final ResourceKind PINS = new ResourceKind(0x19, "pins", "pin");
    public static final ResourceKind PIN_GROUPS = new ResourceKind(0x19, "pinGroups", "pin group");
    public static final ResourceKind PIN_FUNCTIONS = new ResourceKind(0x19, "pinFunctions", "pin function");

    /** Every kind of the standard protocols, in protocol order. */
    public static final List<ResourceKind> STANDARD = List.of(POWER_DOMAINS, PERFORMANCE_DOMAINS, CLOCKS, SENSORS,
            RESET_DOMAINS, VOLTAGE_DOMAINS, POWERCAP_DOMAINS, PINS, PIN_GROUPS, PIN_FUNCTIONS);

    /** The standard kind a profile property names, if any. */
    public static Optional<ResourceKind> named(String name) {
        return STANDARD.stream().filter(kind -> kind.name.equals(name)).findFirst();
    }
}
