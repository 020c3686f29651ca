package org.scmi.transport.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.ComponentContext;
import org.scmi.transport.xen.privcmd.PrivcmdHypervisor;
import org.scmi.virtio.ring.VirtioFeatures;
import org.scmi.virtio.ring.device.FixedReplyDevice;
import org.scmi.virtio.ring.device.Responder;
import org.scmi.virtio.ring.split.SplitQueueFactory;

/** The DS component as ConfigAdmin would configure it. */
class XenTransportComponentTest {

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

    /** The components the transport enabled, through a context that knows nothing else. */
    private final List<String> enabled = new ArrayList<>();

    private ComponentContext context() {
        return (ComponentContext) Proxy.newProxyInstance(ComponentContext.class.getClassLoader(),
                new Class<?>[] {ComponentContext.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("enableComponent")) {
                        throw new AssertionError("asked the component context for " + method.getName());
                    }
                    enabled.add((String) args[0]);
                    return null;
                });
    }

    private XenTransport transport(Map<String, Object> values) {
        FixedReplyDevice device = new FixedReplyDevice(VirtioFeatures.bit(VirtioFeatures.VERSION_1), 64,
                () -> Responder.answering(request -> request), new SplitQueueFactory());
        return new XenTransport(device, config(values), context(), Map.of());
    }

    @Test
    void badStaticDevicesAreReportedByPropertyName() {
        IllegalArgumentException device = assertThrows(IllegalArgumentException.class,
                () -> transport(Map.of("static_devices",
                        new String[] {"domid=3,base=0x2000000,irq=33", "domid=4,base=0x20001,irq=34"})));
        assertEquals("static.devices[1] 'domid=4,base=0x20001,irq=34': base 0x20001 is not a 0x200-aligned MMIO address",
                device.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> transport(Map.of("static_devices", new String[] {"domid=3,base=0x2000000,irq=33,spi=1"})));
        assertTrue(key.getMessage().startsWith("static.devices[0] 'domid=3,base=0x2000000,irq=33,spi=1': 'spi=1' is not"),
                key.getMessage());
    }

    @Test
    void theRealHypervisorIsEnabledExactlyOnAXenHost() {
        transport(Map.of()).close();
        assertEquals(PrivcmdHypervisor.available() ? List.of(PrivcmdHypervisor.class.getName()) : List.of(), enabled);
    }
}
