package org.scmi.transport.xen.abi;

import static org.scmi.transport.xen.abi.XenAbi.IOREQ;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One vCPU's {@code struct ioreq} in a shared ioreq page, as both sides of the protocol use it:
 * Xen (or the simulated hypervisor) fills a request and marks it READY; the device model moves it
 * to INPROCESS, answers and marks it IORESP_READY. The state nibble is read with acquire and
 * written with release semantics, so the request fields are seen complete after READY and the
 * answer is visible before IORESP_READY. Only the state bits of the shared byte are ever changed.
 * A device model takes a request with {@link #claim()}, an atomic READY → INPROCESS, because the
 * backend kernel's ioeventfd handler looks at the same slot when the same event arrives.
 */
public final class IoreqSlot {
    private static final VarHandle ADDR = IOREQ.varHandle(PathElement.groupElement("addr"));
    private static final VarHandle DATA = IOREQ.varHandle(PathElement.groupElement("data"));
    private static final VarHandle COUNT = IOREQ.varHandle(PathElement.groupElement("count"));
    private static final VarHandle SIZE = IOREQ.varHandle(PathElement.groupElement("size"));
    private static final VarHandle VP_EPORT = IOREQ.varHandle(PathElement.groupElement("vp_eport"));
    private static final VarHandle STATE_DIR = IOREQ.varHandle(PathElement.groupElement("state_dir"));
    private static final VarHandle TYPE = IOREQ.varHandle(PathElement.groupElement("type"));
    /** The aligned 32-bit word holding {@code state_dir} (with the padding before it and the type after). */
    private static final long STATE_WORD = XenAbi.offset(IOREQ, "_pad0");
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();
    private static final int STATE_SHIFT = stateShift(XenAbi.offset(IOREQ, "state_dir") - STATE_WORD);

    private final MemorySegment slot;

    private IoreqSlot(MemorySegment slot) {
        this.slot = slot;
    }

    private static int stateShift(long byteInWord) {
        long bits = Byte.SIZE * (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? byteInWord
                : Integer.BYTES - 1 - byteInWord);
        return (int) bits;
    }

    /** The slot of {@code vcpu} in an ioreq page. */
    public static IoreqSlot of(MemorySegment page, int vcpu) {
        if (vcpu < 0 || vcpu >= XenAbi.IOREQ_SLOTS_PER_PAGE) {
            throw new IllegalArgumentException("vCPU " + vcpu + " has no slot in one ioreq page");
        }
        return new IoreqSlot(page.asSlice(vcpu * IOREQ.byteSize(), IOREQ.byteSize()));
    }

    public int state() {
        return (byte) STATE_DIR.getAcquire(slot, 0L) & XenAbi.IOREQ_STATE_MASK;
    }

    /** Publishes a new state, keeping the direction and flag bits of the shared byte. */
    public void setState(int state) {
        byte old = (byte) STATE_DIR.get(slot, 0L);
        STATE_DIR.setRelease(slot, 0L, (byte) ((old & ~XenAbi.IOREQ_STATE_MASK) | (state & XenAbi.IOREQ_STATE_MASK)));
    }

    /**
     * Takes a READY request for processing (READY → INPROCESS) in one atomic step.
     *
     * @return false if the slot is not READY, or another party took it first
     */
    public boolean claim() {
        int word = (int) WORD.getAcquire(slot, STATE_WORD);
        if ((word >>> STATE_SHIFT & XenAbi.IOREQ_STATE_MASK) != XenAbi.STATE_IOREQ_READY) {
            return false;
        }
        int claimed = word & ~(XenAbi.IOREQ_STATE_MASK << STATE_SHIFT)
                | XenAbi.STATE_IOREQ_INPROCESS << STATE_SHIFT;
        return WORD.compareAndSet(slot, STATE_WORD, word, claimed);
    }

    public long address() {
        return (long) ADDR.get(slot, 0L);
    }

    public long data() {
        return (long) DATA.get(slot, 0L);
    }

    public void setData(long data) {
        DATA.set(slot, 0L, data);
    }

    public int count() {
        return (int) COUNT.get(slot, 0L);
    }

    /** Access size in bytes: 1, 2, 4 or 8. */
    public int size() {
        return (int) SIZE.get(slot, 0L);
    }

    public boolean isRead() {
        return ((byte) STATE_DIR.get(slot, 0L) & XenAbi.IOREQ_DIR_READ) != 0;
    }

    public boolean dataIsPointer() {
        return ((byte) STATE_DIR.get(slot, 0L) & XenAbi.IOREQ_DATA_IS_PTR) != 0;
    }

    public int type() {
        return (byte) TYPE.get(slot, 0L) & 0xFF;
    }

    /** The guest-side event channel of this vCPU (written by Xen when the server is enabled). */
    public int vpEventPort() {
        return (int) VP_EPORT.get(slot, 0L);
    }

    // ------------------------------------------------------------ the hypervisor's side

    public void setVpEventPort(int port) {
        VP_EPORT.set(slot, 0L, port);
    }

    /**
     * Fills a request the way Xen does (fields first, READY last with release semantics). Only
     * a slot in state NONE may take a new request.
     */
    public void post(int type, long address, int size, boolean read, long data) {
        if (state() != XenAbi.STATE_IOREQ_NONE) {
            throw new IllegalStateException("ioreq slot busy in state " + state());
        }
        ADDR.set(slot, 0L, address);
        DATA.set(slot, 0L, data);
        COUNT.set(slot, 0L, 1);
        SIZE.set(slot, 0L, size);
        TYPE.set(slot, 0L, (byte) type);
        STATE_DIR.set(slot, 0L, (byte) (read ? XenAbi.IOREQ_DIR_READ : 0));
        setState(XenAbi.STATE_IOREQ_READY);
    }
}
