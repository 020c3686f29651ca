package org.scmi.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.scmi.linux.Linux;
import org.scmi.linux.LinuxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when the server is ready: the framework has started every bundle, and every configuration present by
 * then has its component up (each configured vhost-user guest listening, the admin shell open) or
 * failed for a reason it logged. It logs {@code ready} with the time since the JVM started and,
 * under systemd ({@code Type=notify}), sends {@code READY=1} to the service manager's socket
 * ({@code NOTIFY_SOCKET}), and {@code STOPPING=1} when the framework stops (not when only this
 * bundle is updated). A server that is still
 * waiting for a component after {@value #PATIENCE_SECONDS} s reports itself ready anyway, naming
 * what it waits for, so that the service manager keeps it instead of killing it at its start
 * timeout.
 *
 * <p>Threads: one thread, {@code scmi-server readiness}, looks every {@value #POLL_MILLIS} ms until
 * the server is ready, then ends; deactivation stops it.
 */
@Component(immediate = true)
public final class ServiceReadiness {
    /** Environment variable naming the service manager's datagram socket ({@code @} for abstract names). */
    static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    static final long POLL_MILLIS = 10;
    static final long PATIENCE_SECONDS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(ServiceReadiness.class);

    private final BundleContext context;
    private final ServiceComponentRuntime runtime;
    private final ConfigurationAdmin configurationAdmin;
    private final String notifySocket;
    private final Thread watcher;

    @Activate
    public ServiceReadiness(BundleContext context, @Reference ServiceComponentRuntime runtime,
            @Reference ConfigurationAdmin configurationAdmin) {
        this.context = context;
        this.runtime = runtime;
        this.configurationAdmin = configurationAdmin;
        this.notifySocket = System.getenv(NOTIFY_SOCKET);
        this.watcher = Thread.ofPlatform().daemon().name("scmi-server readiness").start(this::watch);
    }

    private void watch() {
        long deadline = System.nanoTime() + Duration.ofSeconds(PATIENCE_SECONDS).toNanos();
        try {
            List<String> waiting = waitingFor();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MILLIS);
                waiting = waitingFor();
            }
            ready(waiting);
        } catch (InterruptedException stopped) {
            // Deactivated before the server was ready: nothing to report.
        }
    }

    /** What the server still waits for; empty once it is ready. */
    private List<String> waitingFor() {
        if (!frameworkStarted()) {
            return List.of("the framework to start");
        }
        Configuration[] configurations;
        try {
            configurations = configurationAdmin.listConfigurations(null);
        } catch (IOException | InvalidSyntaxException e) {
            return List.of("the configurations (" + e.getMessage() + ")");
        }
        return waitingFor(runtime.getComponentDescriptionDTOs(), runtime::getComponentConfigurationDTOs,
                configurations == null ? List.of() : Arrays.stream(configurations).map(ServiceReadiness::pids).toList());
    }

    /**
     * Whether every bundle meant to run has been started: the framework raises the start level
     * step by step after it is itself active, so a bundle marked to start may still wait for its
     * level. A bundle whose level was reached but that did not start (it failed, or cannot resolve)
     * is not waited for: it logged why.
     */
    private boolean frameworkStarted() {
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (framework.getState() != Bundle.ACTIVE) {
            return false;
        }
        int level = framework.adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle bundle : context.getBundles()) {
            BundleStartLevel start = bundle.adapt(BundleStartLevel.class);
            if (start != null && start.isPersistentlyStarted()
                    && (bundle.getState() == Bundle.STARTING || start.getStartLevel() > level)) {
                return false;
            }
        }
        return true;
    }

    private static ConfiguredPid pids(Configuration configuration) {
        return new ConfiguredPid(configuration.getPid(), configuration.getFactoryPid());
    }

    /** A configuration's PID and, for a factory configuration, its factory PID (else null). */
    record ConfiguredPid(String pid, String factoryPid) {
        boolean configures(ComponentDescriptionDTO description) {
            return Arrays.stream(description.configurationPid)
                    .anyMatch(wanted -> wanted.equals(factoryPid == null ? pid : factoryPid));
        }
    }

    /**
     * The components the server waits for, by name and configuration: every configuration of an
     * enabled component needs a component configuration that is active, or satisfied for a component
     * created on first use, or failed; an immediate component still activating is waited for too.
     */
    static List<String> waitingFor(Collection<ComponentDescriptionDTO> descriptions,
            Function<ComponentDescriptionDTO, Collection<ComponentConfigurationDTO>> configurationsOf,
            List<ConfiguredPid> configured) {
        List<String> waiting = new ArrayList<>();
        for (ComponentDescriptionDTO description : descriptions) {
            Collection<ComponentConfigurationDTO> instances = configurationsOf.apply(description);
            for (ConfiguredPid configuration : configured) {
                if (configuration.configures(description) && instances.stream()
                        .noneMatch(instance -> Objects.equals(instance.properties.get(Constants.SERVICE_PID),
                                configuration.pid()) && settled(description, instance))) {
                    waiting.add(description.name + " (" + configuration.pid() + ")");
                }
            }
            for (ComponentConfigurationDTO instance : instances) {
                if (description.immediate && instance.state == ComponentConfigurationDTO.SATISFIED) {
                    waiting.add(description.name);
                }
            }
        }
        return waiting;
    }

    private static boolean settled(ComponentDescriptionDTO description, ComponentConfigurationDTO instance) {
        return switch (instance.state) {
            case ComponentConfigurationDTO.ACTIVE, ComponentConfigurationDTO.FAILED_ACTIVATION -> true;
            case ComponentConfigurationDTO.SATISFIED -> !description.immediate;
            default -> false;
        };
    }

    private void ready(List<String> waiting) {
        Duration sinceStart = ProcessAge.ofThisProcess().orElse(Duration.ZERO);
        String status = waiting.isEmpty() ? "ready" : "ready, still waiting for " + String.join(", ", waiting);
        if (waiting.isEmpty()) {
            LOG.info("{} {} ms after the JVM started", status, sinceStart.toMillis());
        } else {
            LOG.warn("{} ({} s after the JVM started)", status, sinceStart.toSeconds());
        }
        notifyServiceManager("READY=1\nSTATUS=" + status);
    }

    /** Tells the service manager the server is stopping, unless only this bundle is (a live update). */
    @Deactivate
    void deactivate() {
        watcher.interrupt();
        if (context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getState() == Bundle.STOPPING) {
            notifyServiceManager("STOPPING=1\nSTATUS=stopping: closing every guest");
        }
    }

    /** Sends one sd_notify message when a service manager asked for them; otherwise does nothing. */
    private void notifyServiceManager(String message) {
        if (notifySocket == null || notifySocket.isEmpty()) {
            return;
        }
        try {
            Linux.sendUnixDatagram(notifySocket, message.getBytes(StandardCharsets.UTF_8));
        } catch (LinuxException e) {
            LOG.warn("cannot notify the service manager on {}: {}", notifySocket, e.getMessage());
        }
    }
}
