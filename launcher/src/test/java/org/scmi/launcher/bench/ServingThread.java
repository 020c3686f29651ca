package org.scmi.launcher.bench;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The threads that serve a back-end's guests, seen from outside the back-end's JVM: the vhost-user
 * transport's pool, whose threads take each command from the ring, answer it and return it, all
 * inline (with one guest, one of them at a time). Reached through the JDK's attach API (which starts the JVM's local JMX
 * agent) and its {@link ThreadMXBean}: the bytes the pool's threads allocated and the CPU time they
 * used, read before and after a run (a thread the pool starts meanwhile counts from zero). Starting the JMX agent costs the back-end some memory, so the
 * benchmark attaches only after it read the resident memory.
 */
final class ServingThread implements AutoCloseable {
    /** The names of the vhost-user transport's pool threads start with this, then a number. */
    static final String NAME_PREFIX = "vhost-user-io ";

    /** What one thread used up to a moment: bytes allocated and CPU time, both since it started. */
    private record ThreadUsage(long allocatedBytes, long cpuNanos) {
    }

    /** What each pool thread used up to a moment, by thread id. */
    record Usage(Map<Long, ThreadUsage> byThread) {
        /**
         * What the threads alive now used since {@code earlier}: one started meanwhile counts from
         * zero; one that ended meanwhile (the pool shrinks) is left out, with its last slice.
         */
        Usage since(Usage earlier) {
            Map<Long, ThreadUsage> used = new HashMap<>();
            byThread.forEach((id, now) -> {
                ThreadUsage before = earlier.byThread.getOrDefault(id, new ThreadUsage(0, 0));
                used.put(id, new ThreadUsage(now.allocatedBytes - before.allocatedBytes,
                        now.cpuNanos - before.cpuNanos));
            });
            return new Usage(used);
        }

        long allocatedBytes() {
            return byThread.values().stream().mapToLong(ThreadUsage::allocatedBytes).sum();
        }

        long cpuNanos() {
            return byThread.values().stream().mapToLong(ThreadUsage::cpuNanos).sum();
        }
    }

    private final JMXConnector connector;
    private final ThreadMXBean threads;

    private ServingThread(JMXConnector connector, ThreadMXBean threads) {
        this.connector = connector;
        this.threads = threads;
    }

    /** Attaches to the JVM of process {@code pid}, which must run the transport's pool. */
    static ServingThread of(long pid) throws IOException {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to process " + pid + ": " + e.getMessage(), e);
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        try {
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                    ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            ServingThread serving = new ServingThread(connector, threads);
            if (serving.poolThreads().length == 0) {
                throw new IOException("process " + pid + " has no thread named '" + NAME_PREFIX + "...'");
            }
            return serving;
        } catch (IOException | RuntimeException e) {
            connector.close();
            throw e;
        }
    }

    Usage usage() {
        long[] ids = poolThreads();
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        long[] cpu = threads.getThreadCpuTime(ids);
        Map<Long, ThreadUsage> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (allocated[i] >= 0 && cpu[i] >= 0) { // -1: the thread ended since it was listed
                byThread.put(ids[i], new ThreadUsage(allocated[i], cpu[i]));
            }
        }
        return new Usage(byThread);
    }

    private long[] poolThreads() {
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(thread -> thread != null && thread.getThreadName().startsWith(NAME_PREFIX))
                .mapToLong(ThreadInfo::getThreadId).toArray();
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
