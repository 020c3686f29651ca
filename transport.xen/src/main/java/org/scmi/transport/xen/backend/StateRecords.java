package org.scmi.transport.xen.backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.scmi.transport.xen.mmio.MmioRegisters;

/**
 * What a server keeps outside its own memory so that the next server process can take its Xen
 * guests over, in the hypervisor's state directory (a run directory: tmpfs, gone with a reboot
 * like the guests):
 *
 * <pre>
 * lock                 locked (flock) by the one server process serving these guests; the
 *                      kernel releases it when that process ends, however it ends
 * dom&lt;N&gt;.ioreq          the guest's IOREQ server id, written once the server exists and
 *                      before any of its ranges is mapped (Xen cannot list a guest's servers)
 * dom&lt;N&gt;-&lt;devid&gt;.mmio  one device: which device it is, then its register file, mapped shared
 *                      and written by the register machine before each access is answered
 * </pre>
 *
 * Text records are replaced atomically (write, then rename); the register file is one page of
 * aligned fields (see {@link MmioRegisters}). A directory that cannot be used leaves the records
 * in memory only ({@link #inMemory}): the server works, but its guests do not survive it.
 *
 * <p>Thread-safe: opening, forgetting and listing are serialised; each device's register file is
 * then its device's.
 */
public final class StateRecords implements AutoCloseable {
    private static final String LOCK = "lock";
    private static final Pattern DEVICE_FILE = Pattern.compile("dom(\\d+)-(\\d+)\\.mmio");
    private static final String IOREQ_KEY = "ioreq-server=";
    /** Device header: magic, layout version, domid, devid, base, irq, grant usage, source, queue count. */
    private static final int MAGIC = 0x584d4353; // "SCMX"
    private static final int LAYOUT = 1;
    private static final long MAGIC_AT = 0;
    private static final long LAYOUT_AT = 4;
    private static final long DOMID_AT = 8;
    private static final long DEVID_AT = 12;
    private static final long BASE_AT = 16;
    private static final long IRQ_AT = 24;
    private static final long GRANTS_AT = 28;
    private static final long SOURCE_AT = 32;
    private static final long QUEUES_AT = 36;
    private static final long REGISTERS_AT = 64;
    private static final long PAGE = 4096;

    /** Who describes a device: XenStore discovery or the static list (each settles only its own). */
    public enum Source {
        XENSTORE, STATIC
    }

    /** A device's record, open: its register file stays mapped until {@link #close}. */
    public static final class DeviceRecord implements AutoCloseable {
        private final MmioRegisters registers;
        private final boolean existed;
        private final Arena arena;

        private DeviceRecord(MmioRegisters registers, boolean existed, Arena arena) {
            this.registers = registers;
            this.existed = existed;
            this.arena = arena;
        }

        public MmioRegisters registers() {
            return registers;
        }

        /** Whether a previous server process left it (the device is taken over, not new). */
        public boolean existed() {
            return existed;
        }

        /** Unmaps the register file; the file stays. */
        @Override
        public void close() {
            if (arena != null) {
                arena.close();
            }
        }
    }

    /** A recorded device: what it is and who describes it. */
    public record RecordedDevice(DeviceDescription description, Source source) {
    }

    private final Path directory;
    private final FileChannel lockChannel;
    private FileLock lock;

    private StateRecords(Path directory, FileChannel lockChannel) {
        this.directory = directory;
        this.lockChannel = lockChannel;
    }

    /**
     * Opens the records in {@code directory} (created mode 0700 if missing), not locked yet.
     *
     * @throws IOException if the directory or its lock file cannot be made
     */
    public static StateRecords open(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        return new StateRecords(directory, lockChannel);
    }

    /** Records that live in this process only: nothing survives it. */
    public static StateRecords inMemory() {
        return new StateRecords(null, null);
    }

    /** The directory, or empty for records in memory. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** Takes the lock if no other process holds it; true if this process holds it now. */
    public synchronized boolean tryLock() throws IOException {
        if (lockChannel == null || lock != null) {
            return true;
        }
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            return false; // held by this very process, through another channel
        }
        return lock != null;
    }

    /**
     * Waits for the lock, however long the process holding it takes to stop.
     *
     * @throws IOException if the records are closed meanwhile (AsynchronousCloseException)
     */
    public void awaitLock() throws IOException {
        if (lockChannel == null) {
            return;
        }
        FileLock taken;
        try {
            taken = lockChannel.lock();
        } catch (OverlappingFileLockException e) {
            throw new IOException(directory.resolve(LOCK) + " is held by this process already", e);
        }
        synchronized (this) {
            lock = taken;
        }
    }

    // ------------------------------------------------------------ guests

    private Path guestFile(int domid) {
        return directory.resolve("dom" + domid + ".ioreq");
    }

    /** The IOREQ server a previous process created for the guest, if it recorded one. */
    public synchronized OptionalInt ioreqServer(int domid) {
        if (directory == null) {
            return OptionalInt.empty();
        }
        Path file = guestFile(domid);
        try {
            if (!Files.exists(file)) {
                return OptionalInt.empty();
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!text.startsWith(IOREQ_KEY)) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(Integer.parseInt(text.substring(IOREQ_KEY.length())));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Records the guest's IOREQ server, replacing the file in one step. */
    public synchronized void recordIoreqServer(int domid, int id) throws IOException {
        if (directory != null) {
            replace(guestFile(domid), IOREQ_KEY + id + "\n");
        }
    }

    private void replace(Path file, String text) throws IOException {
        Path written = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(written, text, StandardCharsets.US_ASCII);
        try {
            Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forgets the guest's IOREQ server (destroyed, or the guest is gone). */
    public synchronized void forgetGuest(int domid) {
        if (directory != null) {
            delete(guestFile(domid));
        }
    }

    // ------------------------------------------------------------ devices

    private Path deviceFile(DeviceDescription description) {
        return directory.resolve("dom" + description.frontendDomid() + "-" + description.devid() + ".mmio");
    }

    /** Whether a previous process left a record of this device (with the same base, irq and addressing). */
    public synchronized boolean hasDevice(DeviceDescription description) {
        return directory != null && read(deviceFile(description)).map(r -> r.description().equals(description))
                .orElse(false);
    }

    /**
     * Opens the device's record, or creates it fresh from reset: a record of the same device is
     * taken over, anything else in its place is replaced.
     */
    public synchronized DeviceRecord device(DeviceDescription description, Source source, int queueCount)
            throws IOException {
        if (directory == null) {
            return new DeviceRecord(MmioRegisters.inMemory(queueCount), false, null);
        }
        Path file = deviceFile(description);
        boolean existed = hasDevice(description) && queueCount(file) == queueCount;
        if (!existed) {
            delete(file);
        }
        long size = ((REGISTERS_AT + MmioRegisters.byteSize(queueCount) + PAGE - 1) / PAGE) * PAGE;
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            if (!existed) {
                writeHeader(mapped, description, source, queueCount);
            }
            return new DeviceRecord(MmioRegisters.over(mapped.asSlice(REGISTERS_AT), queueCount), existed, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void writeHeader(MemorySegment mapped, DeviceDescription description, Source source,
            int queueCount) {
        mapped.set(ValueLayout.JAVA_INT, LAYOUT_AT, LAYOUT);
        mapped.set(ValueLayout.JAVA_INT, DOMID_AT, description.frontendDomid());
        mapped.set(ValueLayout.JAVA_INT, DEVID_AT, description.devid());
        mapped.set(ValueLayout.JAVA_LONG, BASE_AT, description.base());
        mapped.set(ValueLayout.JAVA_INT, IRQ_AT, description.irq());
        mapped.set(ValueLayout.JAVA_INT, GRANTS_AT, description.grants() ? 1 : 0);
        mapped.set(ValueLayout.JAVA_INT, SOURCE_AT, source.ordinal());
        mapped.set(ValueLayout.JAVA_INT, QUEUES_AT, queueCount);
        // The magic last: a header is only taken for one once it is complete.
        mapped.set(ValueLayout.JAVA_INT, MAGIC_AT, MAGIC);
    }

    /** Forgets a device (removed, or stale). */
    public synchronized void forgetDevice(DeviceDescription description) {
        if (directory != null) {
            delete(deviceFile(description));
        }
    }

    /** The devices recorded for a guest. */
    public synchronized List<RecordedDevice> devices(int domid) {
        List<RecordedDevice> devices = new ArrayList<>();
        if (directory == null) {
            return devices;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "dom" + domid + "-*.mmio")) {
            for (Path file : files) {
                read(file).ifPresent(devices::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + directory, e);
        }
        return devices;
    }

    /** The guests with a recorded IOREQ server or device. */
    public synchronized List<Integer> guests() {
        List<Integer> domids = new ArrayList<>();
        if (directory == null) {
            return domids;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "dom*")) {
            for (Path file : files) {
                Matcher device = DEVICE_FILE.matcher(file.getFileName().toString());
                String name = file.getFileName().toString();
                int domid = device.matches() ? Integer.parseInt(device.group(1))
                        : name.endsWith(".ioreq") ? Integer.parseInt(name.substring(3, name.length() - 6)) : -1;
                if (domid > 0 && !domids.contains(domid)) {
                    domids.add(domid);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("listing " + directory + ": " + e.getMessage(), e);
        }
        return domids;
    }

    private static Optional<RecordedDevice> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < REGISTERS_AT) {
                return Optional.empty();
            }
            MemorySegment header = channel.map(FileChannel.MapMode.READ_ONLY, 0, REGISTERS_AT, arena);
            if (header.get(ValueLayout.JAVA_INT, MAGIC_AT) != MAGIC
                    || header.get(ValueLayout.JAVA_INT, LAYOUT_AT) != LAYOUT) {
                return Optional.empty();
            }
            int source = header.get(ValueLayout.JAVA_INT, SOURCE_AT);
            DeviceDescription description = new DeviceDescription(header.get(ValueLayout.JAVA_INT, DOMID_AT),
                    header.get(ValueLayout.JAVA_INT, DEVID_AT), header.get(ValueLayout.JAVA_LONG, BASE_AT),
                    header.get(ValueLayout.JAVA_INT, IRQ_AT), header.get(ValueLayout.JAVA_INT, GRANTS_AT) != 0);
            return Optional.of(new RecordedDevice(description,
                    source == Source.STATIC.ordinal() ? Source.STATIC : Source.XENSTORE));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // not a record of ours: replaced when its device is served
        }
    }

    private static int queueCount(Path file) {
        try (Arena arena = Arena.ofConfined();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, REGISTERS_AT, arena).get(ValueLayout.JAVA_INT,
                    QUEUES_AT);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + file, e);
        }
    }

    /** Releases the lock (the records stay for the next process). */
    @Override
    public synchronized void close() {
        if (lockChannel != null) {
            try {
                lockChannel.close(); // releases the lock, and wakes a thread waiting for it
            } catch (IOException e) {
                throw new UncheckedIOException("closing " + directory.resolve(LOCK), e);
            }
        }
    }
}
