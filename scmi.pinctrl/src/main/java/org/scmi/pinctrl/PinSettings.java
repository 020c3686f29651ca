package org.scmi.pinctrl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.scmi.api.ScmiException;
import org.scmi.api.pinctrl.PinConfig;
import org.scmi.api.pinctrl.PinConfigTypes;
import org.scmi.api.state.AgentStateStore;
import org.scmi.pinctrl.PinResources.GroupEntry;
import org.scmi.pinctrl.PinResources.PinEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What agents set on pins, so that one agent's reset undoes only what that agent did. A pin's
 * configs and a group's function are one piece of hardware each: the last agent to change one owns
 * it, and resetting that agent puts back the value from before any agent changed it (as clock
 * rates are shared). What the hardware changed along with an agent's change (the pull-down a
 * pull-up turned off, the function a group lost to another group on the same pins) is that agent's
 * change too. A change by the platform itself makes the value nobody's.
 *
 * <p>Everything lives in the platform's {@link AgentStateStore}, keyed by setting keys
 * ({@code <driver key>/<pin or group key>}), so an update of this bundle or of the driver keeps it:
 * per agent, {@value #CONFIG}{@code <pin>/<type>} (the value it set, while it owns it) and
 * {@value #MUX}{@code <group>} (the function key it selected, empty for none); under the platform
 * (agent 0) the same keys hold the values from before any agent.
 *
 * <p>Threads: callers serialise changes (the protocol holds its change lock).
 */
final class PinSettings {
    static final String CONFIG = "config/";
    static final String MUX = "mux/";
    private static final String NO_FUNCTION = "";
    private static final int PLATFORM = 0;
    private static final Logger LOG = LoggerFactory.getLogger(PinSettings.class);

    private final AgentStateStore store;
    private final Supplier<List<Integer>> agents;

    /**
     * @param store where the settings are kept
     * @param agents ids of the agents that may hold settings (the configured agents)
     */
    PinSettings(AgentStateStore store, Supplier<List<Integer>> agents) {
        this.store = store;
        this.agents = agents;
    }

    /**
     * Applies configs to the pin on the agent's behalf, in order. The agent then owns every config
     * of the pin that changed, those the hardware changed with them included (a pull-up turns the
     * pull-down off), so that its reset puts all of them back.
     */
    void configure(int agentId, PinEntry pin, List<PinConfig> configs) throws ScmiException {
        Map<Integer, Long> before = settable(pin);
        pin.driver().configure(pin.key(), configs);
        Map<Integer, Long> after = settable(pin);
        for (int type : before.keySet()) {
            boolean set = configs.stream().anyMatch(config -> config.type() == type);
            if (set || !before.get(type).equals(after.get(type))) {
                claim(configKey(pin, type), agentId, Long.toString(before.get(type)), Long.toString(after.get(type)));
            }
        }
    }

    /**
     * Switches the group to a function (or to none) on the agent's behalf. The agent then owns the
     * group's function and that of every group of the driver that lost its function with it.
     */
    void select(int agentId, GroupEntry group, Optional<String> functionKey, List<GroupEntry> groups)
            throws ScmiException {
        List<GroupEntry> sameDriver = groups.stream().filter(other -> other.owner().equals(group.owner())).toList();
        Map<GroupEntry, String> before = new HashMap<>();
        for (GroupEntry other : sameDriver) {
            before.put(other, other.driver().function(other.key()).orElse(NO_FUNCTION));
        }
        group.driver().selectFunction(group.key(), functionKey);
        for (GroupEntry other : sameDriver) {
            String after = other.driver().function(other.key()).orElse(NO_FUNCTION);
            if (other.equals(group) || !after.equals(before.get(other))) {
                claim(MUX + other.settingKey(), agentId, before.get(other), after);
            }
        }
    }

    /** The values of the pin's configs agents may set. */
    private static Map<Integer, Long> settable(PinEntry pin) throws ScmiException {
        Map<Integer, Long> values = new TreeMap<>();
        for (int type : pin.pin().configs().keySet()) {
            if (!PinConfigTypes.readOnly(type)) {
                values.put(type, pin.driver().config(pin.key(), type));
            }
        }
        return values;
    }

    /**
     * Puts back what the agent owns, as it was before any agent: functions first, then configs. A
     * driver error leaves that pin or group as it is (logged); the others are still restored.
     * Entries whose driver is away are left alone: nothing can be moved.
     */
    void forget(int agentId, PinResources resources) {
        Map<GroupEntry, String> functions = new LinkedHashMap<>();
        for (GroupEntry group : resources.groups().entries()) {
            String original = release(MUX + group.settingKey(), agentId);
            if (original != null && group.present()) {
                functions.put(group, original);
            }
        }
        // Groups without a function first: a group given its function back may share pins with them.
        List<GroupEntry> order = new ArrayList<>(functions.keySet());
        order.sort(Comparator.comparing((GroupEntry group) -> !functions.get(group).isEmpty()));
        for (GroupEntry group : order) {
            try {
                group.driver().selectFunction(group.key(),
                        Optional.of(functions.get(group)).filter(key -> !key.isEmpty()));
            } catch (ScmiException e) {
                LOG.warn("Group {} ({}) not restored after agent {} was reset: {}", group.name(),
                        group.settingKey(), agentId, e.getMessage());
            }
        }
        for (PinEntry pin : resources.pins().entries()) {
            List<PinConfig> restore = new ArrayList<>();
            for (int type : pin.pin().configs().keySet()) {
                String original = release(configKey(pin, type), agentId);
                if (original != null) {
                    restore.add(new PinConfig(type, Long.parseLong(original)));
                }
            }
            if (!restore.isEmpty() && pin.present()) {
                try {
                    pin.driver().configure(pin.key(), restore);
                } catch (ScmiException e) {
                    LOG.warn("Pin {} ({}) not restored after agent {} was reset: {}", pin.name(), pin.settingKey(),
                            agentId, e.getMessage());
                }
            }
        }
    }

    /** The config types of the pin each agent changed last, by agent id. */
    Map<Integer, List<Integer>> configOwners(PinEntry pin) {
        Map<Integer, List<Integer>> owners = new TreeMap<>();
        for (int agentId : agents.get()) {
            List<Integer> types = pin.pin().configs().keySet().stream()
                    .filter(type -> get(agentId, configKey(pin, type)) != null).toList();
            if (!types.isEmpty()) {
                owners.put(agentId, types);
            }
        }
        return owners;
    }

    /** The agent that selected the group's function last, if an agent did. */
    Optional<Integer> functionOwner(GroupEntry group) {
        return agents.get().stream().filter(agentId -> get(agentId, MUX + group.settingKey()) != null).findFirst();
    }

    /** The platform changed a config itself: it becomes the value no agent owns. */
    void overridden(PinEntry pin, int type) {
        String key = configKey(pin, type);
        for (int agentId : agents.get()) {
            store.put(agentId, PinctrlMessages.PINCTRL_PROTOCOL_ID, key, null);
        }
        store.put(PLATFORM, PinctrlMessages.PINCTRL_PROTOCOL_ID, key, null);
    }

    private static String configKey(PinEntry pin, int type) {
        return CONFIG + pin.settingKey() + "/" + type;
    }

    /** Makes {@code agentId} the owner of a setting, remembering the value from before any agent. */
    private void claim(String key, int agentId, String before, String value) {
        if (get(PLATFORM, key) == null) {
            put(PLATFORM, key, before);
        }
        for (int other : agents.get()) {
            put(other, key, null);
        }
        put(agentId, key, value);
    }

    /** If {@code agentId} owns the setting: gives it up and returns the value from before any agent. */
    private String release(String key, int agentId) {
        if (get(agentId, key) == null) {
            return null;
        }
        String original = get(PLATFORM, key);
        put(agentId, key, null);
        put(PLATFORM, key, null);
        return original;
    }

    private String get(int agentId, String key) {
        return store.get(agentId, PinctrlMessages.PINCTRL_PROTOCOL_ID, key);
    }

    private void put(int agentId, String key, String value) {
        store.put(agentId, PinctrlMessages.PINCTRL_PROTOCOL_ID, key, value);
    }
}
