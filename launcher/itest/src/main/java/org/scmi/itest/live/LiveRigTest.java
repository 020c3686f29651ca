package org.scmi.itest.live;

import org.junit.jupiter.api.AfterAll;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scmi.api.state.AgentStateStore;
import org.scmi.core.admin.GuestSessions;

/**
 * What the live tests share: the server's services a {@link LiveRig} needs, and the rig, which a
 * test class connects in its {@code @BeforeAll} with {@link #connectRig} and which is closed after
 * the class's own {@code @AfterAll} methods ran.
 */
abstract class LiveRigTest {
    static final int TIMEOUT_MS = 10_000;

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = TIMEOUT_MS)
    static ConfigurationAdmin admin;

    @InjectService(timeout = TIMEOUT_MS)
    static AgentStateStore store;

    @InjectService(timeout = TIMEOUT_MS)
    static GuestSessions sessions;

    static LiveRig rig;

    /** Connects {@code guests} guests named after {@code name}. */
    static void connectRig(String name, int guests) throws Exception {
        rig = LiveRig.connect(context, admin, store, sessions, name, guests);
    }

    @AfterAll
    static void closeRig() throws Exception {
        if (rig != null) {
            rig.close();
            rig = null;
        }
    }
}
