package org.scmi.launcher.fuzz;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.scmi.api.AgentDirectory;
import org.scmi.api.ScmiProtocol;
import org.scmi.api.state.AgentStateStore;
import org.scmi.core.AgentRegistry;
import org.scmi.core.AgentStates;
import org.scmi.core.ScmiDevice;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/**
 * The server's SCMI platform in one JVM without a framework: the real virtio-scmi device and
 * dispatcher, every protocol bundle's component, and the simulated board, each built and wired the
 * way Declarative Services does it: the activate constructor with its configuration's defaults
 * (or the overrides given), then every reference bound through its bind method, by service type.
 *
 * <p>Why reflection: the protocol and board bundles are the runnable JAR's runtime content, not
 * this module's compile-time API, and their components' bind methods are package-private for SCR
 * alone. The board is the built-in one without its simulated delays, so that a command stream
 * runs at full speed.
 */
public final class SimulatedPlatform implements AutoCloseable {
    private static final List<String> BOARD_PARTS = List.of("org.scmi.board.sim.clock.SimulatedClocks",
            "org.scmi.board.sim.power.SimulatedPowerDomains", "org.scmi.board.sim.sensor.SimulatedSensors",
            "org.scmi.board.sim.system.SimulatedSystem", "org.scmi.board.sim.reset.SimulatedResets",
            "org.scmi.board.sim.voltage.SimulatedVoltages", "org.scmi.board.sim.pinctrl.SimulatedPinController");
    private static final List<String> PROTOCOLS = List.of("org.scmi.base.BaseProtocol",
            "org.scmi.power.PowerProtocol", "org.scmi.system.SystemPowerProtocol", "org.scmi.clock.ClockProtocol",
            "org.scmi.sensor.SensorProtocol", "org.scmi.reset.ResetProtocol", "org.scmi.voltage.VoltageProtocol",
            "org.scmi.pinctrl.PinctrlProtocol");
    private static final String BUILT_IN_BOARD = "/org/scmi/board/sim/default-board.json";
    private static final List<String> DELAYS = List.of("delayMs", "readDelayMs");

    private final Path board;
    private final AgentStates store = new AgentStates();
    private final AgentRegistry agents = new AgentRegistry(store);
    private final List<Object> drivers = new ArrayList<>();
    private final List<ScmiProtocol> protocols = new ArrayList<>();
    private final ScmiDevice device;

    public SimulatedPlatform() throws IOException, ReflectiveOperationException {
        board = boardWithoutDelays();
        for (String part : BOARD_PARTS) {
            drivers.add(activate(part, Map.of("file", board.toString())));
        }
        for (String protocol : PROTOCOLS) {
            ScmiProtocol component = (ScmiProtocol) activate(protocol, Map.of());
            bindAll(component, AgentDirectory.class, List.of(agents));
            bindAll(component, Object.class, drivers);
            protocols.add(component);
        }
        for (ScmiProtocol protocol : protocols) {
            bindAll(protocol, ScmiProtocol.class, protocols.stream().filter(other -> other != protocol).toList());
        }
        device = new ScmiDevice(agents, store, defaults(ScmiDevice.Config.class, Map.of()));
        bind(device, "addEngine", new SplitQueueFactory());
        for (ScmiProtocol protocol : protocols) {
            bind(device, "addProtocol", protocol, properties(protocol));
        }
    }

    /**
     * Binds one more driver, under its own driver key, to every protocol that takes its type, as
     * SCR does when a board bundle registers a driver service.
     */
    public void addDriver(Object driver, String key) throws ReflectiveOperationException {
        for (ScmiProtocol protocol : protocols) {
            for (Method method : protocol.getClass().getDeclaredMethods()) {
                Class<?>[] parameters = method.getParameterTypes();
                if ((method.getName().startsWith("bind") || method.getName().startsWith("add"))
                        && parameters.length == 2 && parameters[1] == Map.class && parameters[0].isInstance(driver)) {
                    method.setAccessible(true);
                    invoke(method, protocol, new Object[] {driver, Map.of("scmi.driver.key", key, "service.id",
                            (long) System.identityHashCode(driver))});
                }
            }
        }
    }

    /** The virtio-scmi device guests connect to. */
    public ScmiDevice device() {
        return device;
    }

    /** Who is connected. */
    public AgentRegistry agents() {
        return agents;
    }

    /** The protocol components, base first. */
    public List<ScmiProtocol> protocols() {
        return protocols;
    }

    /** The agent state every component keeps its state in. */
    public AgentStateStore store() {
        return store;
    }

    @Override
    public void close() throws IOException {
        for (Object component : protocols) {
            deactivate(component);
        }
        for (Object component : drivers) {
            deactivate(component);
        }
        Files.deleteIfExists(board);
    }

    private static Path boardWithoutDelays() throws IOException {
        JsonElement document;
        try (var reader = new InputStreamReader(SimulatedPlatform.class.getResourceAsStream(BUILT_IN_BOARD),
                StandardCharsets.UTF_8)) {
            document = JsonParser.parseReader(reader);
        }
        removeDelays(document);
        Path file = Files.createTempFile("board-without-delays", ".json");
        Files.writeString(file, document.toString());
        return file;
    }

    private static void removeDelays(JsonElement element) {
        if (element.isJsonObject()) {
            DELAYS.forEach(element.getAsJsonObject()::remove);
            element.getAsJsonObject().entrySet().forEach(entry -> removeDelays(entry.getValue()));
        } else if (element.isJsonArray()) {
            element.getAsJsonArray().forEach(SimulatedPlatform::removeDelays);
        }
    }

    private Object activate(String className, Map<String, Object> overrides) throws ReflectiveOperationException {
        Class<?> type = Class.forName(className);
        Constructor<?> constructor = Arrays.stream(type.getConstructors())
                .filter(c -> c.getParameterCount() == 2 && c.getParameterTypes()[1] == AgentStateStore.class)
                .findFirst().orElseThrow(() -> new NoSuchMethodException(className + "(Config, AgentStateStore)"));
        try {
            return constructor.newInstance(defaults(constructor.getParameterTypes()[0], overrides), store);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(className + " did not activate", e.getCause());
        }
    }

    /** A component configuration with its attributes' defaults, as ConfigAdmin hands over an empty one. */
    static <A> A defaults(Class<A> config, Map<String, Object> overrides) {
        return config.cast(Proxy.newProxyInstance(config.getClassLoader(), new Class<?>[] {config},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> config;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> config.getSimpleName() + overrides;
                    default -> overrides.getOrDefault(method.getName(), method.getDefaultValue());
                }));
    }

    /** Binds each of {@code services} of the type a bind method of {@code component} takes. */
    private static void bindAll(Object component, Class<?> serviceType, List<?> services)
            throws ReflectiveOperationException {
        for (Method method : component.getClass().getDeclaredMethods()) {
            Class<?>[] parameters = method.getParameterTypes();
            boolean bindMethod = method.getName().startsWith("bind") || method.getName().startsWith("add")
                    || method.getName().startsWith("set");
            if (!bindMethod || parameters.length == 0 || parameters.length > 2 || !parameters[0].isInterface()
                    || !serviceType.isAssignableFrom(parameters[0])
                    || parameters.length == 2 && parameters[1] != Map.class) {
                continue;
            }
            for (Object service : services) {
                if (parameters[0].isInstance(service)) {
                    method.setAccessible(true);
                    Object[] arguments = parameters.length == 1 ? new Object[] {service}
                            : new Object[] {service, properties(service, parameters[0])};
                    invoke(method, component, arguments);
                }
            }
        }
    }

    private static void bind(Object component, String name, Object... arguments) throws ReflectiveOperationException {
        for (Method method : component.getClass().getDeclaredMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == arguments.length) {
                method.setAccessible(true);
                invoke(method, component, arguments);
                return;
            }
        }
        throw new NoSuchMethodException(component.getClass().getName() + "." + name);
    }

    private static void deactivate(Object component) {
        try {
            Method method = component.getClass().getDeclaredMethod("deactivate");
            method.setAccessible(true);
            method.invoke(component);
        } catch (NoSuchMethodException e) {
            // nothing to stop
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(component.getClass().getName() + " did not deactivate", e);
        }
    }

    private static void invoke(Method method, Object component, Object[] arguments)
            throws ReflectiveOperationException {
        try {
            method.invoke(component, arguments);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(method + " failed", e.getCause());
        }
    }

    private static Map<String, Object> properties(ScmiProtocol protocol) {
        return Map.of(ScmiProtocol.PROTOCOL_ID, protocol.protocolId(), ScmiProtocol.EVENTS, true,
                "service.id", (long) System.identityHashCode(protocol));
    }

    /** Service properties of a driver: the key its protocol asks for, if its interface names one. */
    private static Map<String, Object> properties(Object service, Class<?> serviceType) {
        if (service instanceof ScmiProtocol protocol) {
            return properties(protocol);
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.id", (long) System.identityHashCode(service));
        try {
            properties.put((String) serviceType.getField("DRIVER_KEY").get(null), "sim");
        } catch (ReflectiveOperationException e) {
            // a driver type without keys
        }
        return properties;
    }
}
