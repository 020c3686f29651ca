package org.scmi.transport.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.transport.xen.xenstore.XenStoreClient;

/** The DS component as ConfigAdmin would configure it. */
class XenTransportComponentTest {
    @TempDir
    Path dir;

    /** A configuration with the given properties (by method name), defaults otherwise. */
    private static XenTransportConfig config(Map<String, Object> values) {
        return (XenTransportConfig) Proxy.newProxyInstance(XenTransportConfig.class.getClassLoader(),
                new Class<?>[] {XenTransportConfig.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    return method.getDefaultValue();
                });
    }

    @Test
    void simModeServesSimulatedGuestsVisibleToXenstoreTools() throws Exception {
        Path socket = dir.resolve("xs/xenstored.sock");
        XenTransport transport = new XenTransport(new EchoDeviceBackend(),
                config(Map.of("mode", "sim", "sim_guests", 2, "sim_xenstore_socket", socket.toString())));
        try (XenStoreClient store = XenStoreClient.connectSocket(socket)) {
            for (int domid = 1; domid <= 2; domid++) {
                String state = "/local/domain/0/backend/virtio/" + domid + "/0/state";
                assertTrue(awaitValue(store, state, "4"), "guest " + domid + " reached Connected");
                assertEquals(Optional.of("/local/domain/" + domid + "/device/virtio/0"),
                        store.read("/local/domain/0/backend/virtio/" + domid + "/0/frontend"));
            }
            if (Files.isExecutable(Path.of("/usr/bin/xenstore-read"))) {
                ProcessBuilder read = new ProcessBuilder("/usr/bin/xenstore-read",
                        "/local/domain/0/backend/virtio/2/0/state");
                read.environment().put("XENSTORED_PATH", socket.toString());
                Process process = read.start();
                assertTrue(process.waitFor(10, TimeUnit.SECONDS));
                assertEquals("4\n", new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            transport.close();
        }
        assertTrue(Files.notExists(socket), "the simulated XenStore socket is removed on stop");
    }

    private static boolean awaitValue(XenStoreClient store, String path, String value) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (store.read(path).filter(value::equals).isPresent()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Test
    void badValuesAreReportedByPropertyName() {
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> new XenTransport(new EchoDeviceBackend(), config(Map.of("mode", "xen"))));
        assertEquals("org.scmi.transport.xen: mode = 'xen' must be auto, real or sim", mode.getMessage());
        IllegalArgumentException device = assertThrows(IllegalArgumentException.class,
                () -> new XenTransport(new EchoDeviceBackend(), config(Map.of("static_devices",
                        new String[] {"domid=3,base=0x2000000,irq=33", "domid=4,base=0x20001,irq=34"}))));
        assertEquals("static.devices[1] 'domid=4,base=0x20001,irq=34': base 0x20001 is not a 0x200-aligned MMIO address",
                device.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> new XenTransport(new EchoDeviceBackend(), config(Map.of("static_devices",
                        new String[] {"domid=3,base=0x2000000,irq=33,spi=1"}))));
        assertTrue(key.getMessage().startsWith("static.devices[0] 'domid=3,base=0x2000000,irq=33,spi=1': 'spi=1' is not"),
                key.getMessage());
    }
}
