package org.scmi.transport.xen.sim;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The one mmap the shared Linux helper lacks: placing pages of a file at fixed addresses inside a
 * reserved range, so that grants of scattered guest frames appear as one contiguous mapping (what
 * gntdev gives a real backend). Flag values are the same on x86_64 and arm64.
 */
final class FixedMappings {
    private static final int PROT_NONE = 0;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 0x01;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final MethodHandle MMAP = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("mmap").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));

    private FixedMappings() {
    }

    /** Reserves {@code size} bytes of address space with no access. */
    static MemorySegment reserve(long size) {
        return call(MemorySegment.NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0).reinterpret(size);
    }

    /** Maps {@code size} bytes of {@code fd} at {@code offset} over {@code at}, shared. */
    static void mapAt(MemorySegment at, int fd, long offset, long size, boolean writable) {
        call(at, size, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED | MAP_FIXED, fd, offset);
    }

    private static MemorySegment call(MemorySegment address, long size, int prot, int flags, int fd, long offset) {
        MemorySegment result;
        try {
            result = (MemorySegment) MMAP.invokeExact(address, size, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
        if (result.address() == -1L) {
            throw new IllegalStateException("mmap of " + size + " bytes failed");
        }
        return result;
    }
}
