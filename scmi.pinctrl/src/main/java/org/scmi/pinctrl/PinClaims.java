package org.scmi.pinctrl;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.scmi.api.state.AgentStateStore;
import org.scmi.pinctrl.PinResources.PinEntry;

/**
 * Exclusive use of pins (PINCTRL_REQUEST and PINCTRL_RELEASE) and the permissions a trusted agent
 * sets (PINCTRL_SET_PERMISSIONS).
 *
 * <p><b>Requests.</b> An agent that requests a pin, or a group (all of its pins), holds those pins
 * until it releases exactly what it requested or is reset. While one agent holds a pin, no other
 * agent may request it (IN_USE) or change its configs or its group's function (DENIED); reading
 * stays open to every agent. An agent may request what it already holds (Linux asks again after a
 * reboot of the guest, keeping its agent). Pins nobody holds are shared: the last change wins.
 *
 * <p><b>Permissions.</b> Every agent may use every pin until a trusted agent denies it one; a
 * group's permission is that of each of its pins. A denied agent gets DENIED for requests and
 * changes of the pin, and loses the requests it held on it. Permissions are the platform's, not
 * the agent's: its own reset does not undo them, only a trusted agent allowing the pin again or
 * resetting the agent's permissions (BASE_RESET_AGENT_CONFIGURATION with its permissions flag).
 *
 * <p>Kept in the platform's {@link AgentStateStore}: per agent {@value #REQUEST_PIN} or
 * {@value #REQUEST_GROUP} followed by the setting key; under the platform (agent 0)
 * {@value #DENIED}{@code <agent id>/<pin setting key>}.
 *
 * <p>Threads: callers serialise changes (the protocol holds its change lock).
 */
final class PinClaims {
    static final String REQUEST_PIN = "request/pin/";
    static final String REQUEST_GROUP = "request/group/";
    static final String DENIED = "denied/";
    private static final String SET = "1";
    private static final int PLATFORM = 0;

    private final AgentStateStore store;
    private final Supplier<List<Integer>> agents;

    /**
     * @param store where requests and permissions are kept
     * @param agents ids of the agents that may hold requests (the configured agents)
     */
    PinClaims(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.store = store;
        this.agents = agents;
    }

    /** The store key of a request for a pin or a group. */
    static String requestKey(PinctrlMessages.Kind kind, String settingKey) {
        return (kind == PinctrlMessages.Kind.PIN ? REQUEST_PIN : REQUEST_GROUP) + settingKey;
    }

    /** The agent that holds the pin, if any. */
    Optional<Integer> holder(PinEntry pin, PinResources resources) {
        return otherHolder(PLATFORM, List.of(pin), resources);
    }

    /** The agents denied the pin, in id order. */
    List<Integer> deniedAgents(PinEntry pin) {
        return agents.get().stream().filter(agentId -> denied(agentId, List.of(pin))).sorted().toList();
    }

    /** Another agent than {@code agentId} that holds one of {@code pins}, if any. */
    Optional<Integer> otherHolder(int agentId, List<PinEntry> pins, PinResources resources) {
        return agents.get().stream().filter(other -> other != agentId)
                .filter(other -> pins.stream().anyMatch(pin -> holdsPin(other, pin, resources))).findFirst();
    }

    boolean holds(int agentId, String requestKey) {
        return store.get(agentId, PinctrlMessages.PINCTRL_PROTOCOL_ID, requestKey) != null;
    }

    void request(int agentId, String requestKey) {
        store.put(agentId, PinctrlMessages.PINCTRL_PROTOCOL_ID, requestKey, SET);
    }

    void release(int agentId, String requestKey) {
        store.put(agentId, PinctrlMessages.PINCTRL_PROTOCOL_ID, requestKey, null);
    }

    /** Whether {@code agentId} was denied one of {@code pins}. */
    boolean denied(int agentId, List<PinEntry> pins) {
        return pins.stream().anyMatch(pin -> store.get(PLATFORM, PinctrlMessages.PINCTRL_PROTOCOL_ID,
                deniedKey(agentId, pin)) != null);
    }

    /** Allows or denies {@code agentId} the pins; a denial also ends its requests that cover them. */
    void permit(int agentId, List<PinEntry> pins, boolean allow, PinResources resources) {
        for (PinEntry pin : pins) {
            store.put(PLATFORM, PinctrlMessages.PINCTRL_PROTOCOL_ID, deniedKey(agentId, pin), allow ? null : SET);
        }
        if (allow) {
            return;
        }
        for (PinEntry pin : pins) {
            release(agentId, REQUEST_PIN + pin.settingKey());
        }
        resources.groups().entries().stream().filter(group -> group.pins().stream().anyMatch(pins::contains))
                .forEach(group -> release(agentId, REQUEST_GROUP + group.settingKey()));
    }

    private boolean holdsPin(int agentId, PinEntry pin, PinResources resources) {
        if (holds(agentId, REQUEST_PIN + pin.settingKey())) {
            return true;
        }
        return store.entries(agentId, PinctrlMessages.PINCTRL_PROTOCOL_ID, REQUEST_GROUP).keySet().stream()
                .map(key -> resources.groups().find(key.substring(REQUEST_GROUP.length())))
                .flatMap(Optional::stream)
                .anyMatch(group -> group.pins().contains(pin));
    }

    private static String deniedKey(int agentId, PinEntry pin) {
        return DENIED + agentId + "/" + pin.settingKey();
    }
}
