package org.scmi.launcher.bench;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The thread that serves a back-end's one guest, seen from outside the back-end's JVM: the
 * vhost-user transport's kick thread, which takes each command from the ring, answers it and
 * returns it, all inline. Reached through the JDK's attach API (which starts the JVM's local JMX
 * agent) and its {@link ThreadMXBean}: the bytes the thread allocated and the CPU time it used,
 * read before and after a run. Starting the JMX agent costs the back-end some memory, so the
 * benchmark attaches only after it read the resident memory.
 */
final class ServingThread implements AutoCloseable {
    /** The name of the vhost-user transport's kick thread starts with this, then the guest's name. */
    static final String NAME_PREFIX = "vhost-user kicks ";

    /** What the thread used up to a moment: bytes allocated and CPU time, both since it started. */
    record Usage(long allocatedBytes, long cpuNanos) {
        Usage since(Usage earlier) {
            return new Usage(allocatedBytes - earlier.allocatedBytes, cpuNanos - earlier.cpuNanos);
        }
    }

    private final JMXConnector connector;
    private final ThreadMXBean threads;
    private final long threadId;

    private ServingThread(JMXConnector connector, ThreadMXBean threads, long threadId) {
        this.connector = connector;
        this.threads = threads;
        this.threadId = threadId;
    }

    /** Attaches to the JVM of process {@code pid} and finds its guest's kick thread. */
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
            for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (thread != null && thread.getThreadName().startsWith(NAME_PREFIX)) {
                    return new ServingThread(connector, threads, thread.getThreadId());
                }
            }
            throw new IOException("process " + pid + " has no thread named '" + NAME_PREFIX + "...'");
        } catch (IOException | RuntimeException e) {
            connector.close();
            throw e;
        }
    }

    Usage usage() {
        return new Usage(threads.getThreadAllocatedBytes(threadId), threads.getThreadCpuTime(threadId));
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
