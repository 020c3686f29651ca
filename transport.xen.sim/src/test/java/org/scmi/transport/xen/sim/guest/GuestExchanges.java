package org.scmi.transport.xen.sim.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.scmi.transport.xen.backend.DeviceDescription;
import org.scmi.transport.xen.sim.EchoDeviceBackend;

/** Commands a simulated guest exchanges with an {@link EchoDeviceBackend}, and its first device. */
final class GuestExchanges {
    private GuestExchanges() {
    }

    /** A Base command whose token and payload word carry {@code token}. */
    static byte[] request(int token) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0x10 << 10 | token << 18)
                .putInt(0x5eed0000 | token).putInt(token).array();
    }

    /** Sends {@link #request(int)} and checks the echo device's answer to it. */
    static void assertAnswered(SimulatedGuest guest, int token, long timeoutMillis) throws InterruptedException {
        byte[] request = request(token);
        assertArrayEquals(EchoDeviceBackend.answer(request), guest.exchange(request, SimulatedGuest.MESSAGE_BYTES,
                timeoutMillis), "guest " + guest.domid() + " token " + token);
    }

    /** The guest's device 0 as the simulated toolstack describes it. */
    static DeviceDescription description(int domid, boolean grants) {
        return new DeviceDescription(domid, 0, SimToolstack.deviceBase(0), SimToolstack.deviceIrq(0), grants);
    }
}
