package org.scmi.transport.xen.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The request life cycle in a slot, and its claim: only one party takes a READY request. */
class IoreqSlotTest {

    @Test
    void claimTakesAReadyRequestOnceAndKeepsItsOtherBits() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(XenAbi.XEN_PAGE_SIZE, XenAbi.XEN_PAGE_SIZE);
            IoreqSlot slot = IoreqSlot.of(page, 1);
            IoreqSlot neighbour = IoreqSlot.of(page, 0);
            assertFalse(slot.claim(), "nothing to take in state NONE");
            slot.post(XenAbi.IOREQ_TYPE_COPY, 0x2000070, 4, true, 0);
            neighbour.post(XenAbi.IOREQ_TYPE_COPY, 0x2000050, 4, false, 1);
            assertTrue(slot.claim());
            assertEquals(XenAbi.STATE_IOREQ_INPROCESS, slot.state());
            assertFalse(slot.claim(), "a claimed request is taken");
            assertTrue(slot.isRead(), "direction kept");
            assertEquals(XenAbi.IOREQ_TYPE_COPY, slot.type(), "type kept");
            assertEquals(0x2000070, slot.address());
            assertEquals(XenAbi.STATE_IOREQ_READY, neighbour.state(), "other slots untouched");
            slot.setState(XenAbi.STATE_IORESP_READY);
            assertFalse(slot.claim(), "an answered request is not taken again");
        }
    }
}
