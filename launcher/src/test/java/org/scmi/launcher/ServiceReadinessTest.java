package org.scmi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.scmi.launcher.ServiceReadiness.ConfiguredPid;

class ServiceReadinessTest {
    private static final String GUEST_FACTORY = "org.scmi.transport.vhostuser.guest";
    private static final ConfiguredPid GUEST0 = new ConfiguredPid(GUEST_FACTORY + "~guest0", GUEST_FACTORY);

    private final ComponentDescriptionDTO guest = description("VhostUserGuestComponent", true, GUEST_FACTORY);
    private final Map<ComponentDescriptionDTO, Collection<ComponentConfigurationDTO>> instances = new HashMap<>();

    private List<String> waiting(ConfiguredPid... configured) {
        return ServiceReadiness.waitingFor(instances.keySet(), description -> instances.getOrDefault(description,
                List.of()), List.of(configured));
    }

    @Test
    void aConfiguredGuestWithoutItsComponentYetIsWaitedFor() {
        instances.put(guest, List.of());
        assertEquals(List.of("VhostUserGuestComponent (" + GUEST0.pid() + ")"), waiting(GUEST0));
    }

    @Test
    void aConfiguredGuestWaitingForTheDeviceIsWaitedFor() {
        instances.put(guest, List.of(instance(GUEST0.pid(), ComponentConfigurationDTO.UNSATISFIED_REFERENCE)));
        assertEquals(1, waiting(GUEST0).size());
    }

    @Test
    void anActiveOrFailedGuestIsReady() {
        instances.put(guest, List.of(instance(GUEST0.pid(), ComponentConfigurationDTO.ACTIVE)));
        assertEquals(List.of(), waiting(GUEST0));
        instances.put(guest, List.of(instance(GUEST0.pid(), ComponentConfigurationDTO.FAILED_ACTIVATION)));
        assertEquals(List.of(), waiting(GUEST0));
    }

    @Test
    void anImmediateComponentStillActivatingIsWaitedForButADelayedServiceIsNot() {
        ComponentDescriptionDTO delayed = description("Commands", false);
        instances.put(guest, List.of(instance(GUEST0.pid(), ComponentConfigurationDTO.SATISFIED)));
        instances.put(delayed, List.of(instance(null, ComponentConfigurationDTO.SATISFIED)));
        assertEquals(List.of("VhostUserGuestComponent (" + GUEST0.pid() + ")", "VhostUserGuestComponent"),
                waiting(GUEST0));
    }

    @Test
    void configurationsOfOtherComponentsAndUnconfiguredOnesAreNotWaitedFor() {
        ComponentDescriptionDTO needsAConfiguration = description("HostSensors", true, "org.scmi.board.hostsensors");
        instances.put(needsAConfiguration, List.of());
        instances.put(guest, List.of(instance(GUEST0.pid(), ComponentConfigurationDTO.ACTIVE)));
        assertEquals(List.of(), waiting(GUEST0, new ConfiguredPid("org.scmi.logging", null)));
    }

    private static ComponentDescriptionDTO description(String name, boolean immediate, String... pids) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = name;
        description.immediate = immediate;
        description.configurationPid = pids;
        return description;
    }

    private static ComponentConfigurationDTO instance(String pid, int state) {
        ComponentConfigurationDTO instance = new ComponentConfigurationDTO();
        instance.state = state;
        instance.properties = pid == null ? Map.of() : Map.of("service.pid", pid);
        return instance;
    }
}
