package org.scmi.launcher.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scmi.api.ScmiHeader;
import org.scmi.api.ScmiStatus;
import org.scmi.api.testing.Eventually;
import org.scmi.core.admin.GuestSessions.GuestSession;
import org.scmi.launcher.e2e.Le;
import org.scmi.launcher.e2e.Response;
import org.scmi.launcher.e2e.Scmi;
import org.scmi.launcher.e2e.ScmiGuest;
import org.scmi.launcher.fuzz.SimulatedPlatform;
import org.scmi.linux.LinuxException;
import org.scmi.transport.vhostuser.GuestConfiguration;
import org.scmi.transport.vhostuser.Poller;
import org.scmi.transport.vhostuser.VhostUserGuestComponent;
import org.scmi.transport.vhostuser.frontend.VhostUserFrontend;
import org.scmi.virtio.ring.driver.UsedBuffer;

/**
 * Guests that misbehave towards the server over vhost-user, on the real transport (sockets, memfd
 * RAM, eventfds, the shared poller) in front of the real device, dispatcher, protocols and the
 * simulated board: a guest that keeps its command queue full, a guest that subscribes to every
 * notification and never posts an event buffer, and a guest whose front-end goes away while a
 * driver is still working on its command. Every assertion counts answers and events; time only
 * bounds how long a test waits before it fails.
 */
class GuestFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int RESET_DOMAIN_ATTRIBUTES = 0x3;
    private static final int RESET_DOMAIN = 0x4;
    private static final int RESET_NOTIFY = 0x5;
    private static final int RESET_ISSUED = 0x0;
    private static final int AUTONOMOUS = 1;
    private static final int COLD = 0;
    /** RESET_DOMAIN_ATTRIBUTES: attributes, latency, then the name. */
    private static final int NAME_OFFSET = 8;
    private static final String BOARD_DOMAIN = "rtc_rst";
    private static final String FAULTY_DOMAIN = FaultyResetDriver.DOMAIN_NAME;
    /** Notifications the device keeps per guest without event buffers (its configuration default). */
    private static final int PENDING_NOTIFICATIONS = 256;
    /** Commands the flooding guest keeps in its queue at all times. */
    private static final int FLOOD_DEPTH = 64;
    /** Commands each well-behaved guest sends while the flood goes on. */
    private static final int CALLS_DURING_FLOOD = 100;
    /** The memfd the project's front-end keeps guest RAM in. */
    private static final String GUEST_RAM = "vhost-user-frontend";

    @TempDir
    Path directory;
    private SimulatedPlatform platform;
    private Poller poller;
    private final List<VhostUserGuestComponent> sockets = new ArrayList<>();
    private final List<AutoCloseable> guests = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        platform = new SimulatedPlatform();
        poller = new Poller();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable guest : guests.reversed()) {
            guest.close();
        }
        sockets.forEach(SimulatedPlatform::deactivate);
        poller.close();
        platform.close();
    }

    @Test
    void aGuestThatKeepsItsQueueFullStarvesNoOneAndEachOfItsCommandsIsAnsweredOnce() throws Exception {
        AtomicInteger refills = new AtomicInteger();
        Flooder[] flooding = new Flooder[1];
        platform.addDriver(new FaultyResetDriver(() -> {
            refills.incrementAndGet();
            flooding[0].refill();
        }), "flood");
        List<ScmiGuest> others = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            others.add(guest(ScmiGuest.connect(serve("vm" + i))));
        }
        ScmiGuest flooderGuest = guest(ScmiGuest.connect(serve("vm0")));
        int floodDomain = domain(flooderGuest, FAULTY_DOMAIN);
        // Each flooding command resets the domain, and the flooder hears of each reset: it floods its eventq too.
        assertSucceeded(flooderGuest.call(Scmi.RESET, RESET_NOTIFY, Scmi.RESPONSE_PREFIX, floodDomain,
                Scmi.NOTIFY_ON));
        Flooder flooder = guest(new Flooder(flooderGuest, floodDomain));
        flooding[0] = flooder;
        flooder.fill();

        assertTrue(within(() -> refills.get() >= 10 * FLOOD_DEPTH), "the flood does not run");
        long interruptsBefore = flooder.interrupts();
        long eventsBefore = flooder.takeEvents();
        int[] boardDomain = new int[others.size()];
        for (int i = 0; i < others.size(); i++) {
            boardDomain[i] = domain(others.get(i), BOARD_DOMAIN);
        }
        int before = refills.get();
        for (int call = 0; call < CALLS_DURING_FLOOD; call++) {
            for (int i = 0; i < others.size(); i++) {
                assertSucceeded(others.get(i).call(Scmi.RESET, RESET_DOMAIN, Scmi.RESPONSE_PREFIX, boardDomain[i],
                        AUTONOMOUS, COLD));
            }
        }
        assertTrue(refills.get() > before, "the flood went on while the other guests were answered");
        assertTrue(within(() -> flooder.interrupts() > interruptsBefore),
                "the flooding guest is interrupted for its answers while its queue stays full");
        assertTrue(within(() -> flooder.takeEvents() > eventsBefore),
                "the flooding guest's notifications reach it while its queue stays full");
        assertTrue(within(() -> flooder.answered() > 0));
        int during = refills.get();
        assertTrue(within(() -> refills.get() > during), "the flood still runs");

        flooder.stop();
        assertTrue(within(() -> flooder.reap() == 0), () -> flooder.unanswered() + " commands never answered");
        assertNull(flooder.wrongAnswer(), "a flooding command's answer");
        assertEquals(flooder.submitted(), flooder.answered(), "every flooding command answered exactly once");
        for (ScmiGuest other : others) {
            assertSucceeded(other.call(Scmi.BASE, Scmi.PROTOCOL_VERSION, Scmi.LINUX_RESPONSE_BUFFER));
        }
    }

    @Test
    void aGuestThatHoardsNotificationsWithoutEventBuffersCostsABoundedQueueAndNoOneElseLosesOne() throws Exception {
        ScmiGuest actor = guest(ScmiGuest.connect(serve("vm1")));
        ScmiGuest listener = guest(ScmiGuest.connect(serve("vm2")));
        VhostUserFrontend hoarder = guest(VhostUserFrontend.connect(serve("vm0").toString(),
                VhostUserFrontend.Options.defaults()));
        hoarder.start(); // the eventq is negotiated and running, but the guest never posts a buffer in it
        int hoarderAgent = agentId("vm0");
        int domains = 0;
        for (int id = 0; ; id++, domains++) {
            int status = Le.word(hoarder.call(Le.words(header(id, RESET_NOTIFY), id, Scmi.NOTIFY_ON).bytes(),
                    Scmi.RESPONSE_PREFIX), 1);
            if (status != ScmiStatus.SUCCESS.code()) {
                assertEquals(ScmiStatus.NOT_FOUND.code(), status);
                break;
            }
        }
        assertTrue(domains > 1, "the hoarder subscribed to every reset domain");
        int domain = domain(actor, BOARD_DOMAIN);
        assertSucceeded(listener.call(Scmi.RESET, RESET_NOTIFY, Scmi.RESPONSE_PREFIX, domain(listener, BOARD_DOMAIN),
                Scmi.NOTIFY_ON));
        int limit = PENDING_NOTIFICATIONS;
        int resets = 3 * limit;
        for (int i = 0; i < resets; i++) {
            assertSucceeded(actor.call(Scmi.RESET, RESET_DOMAIN, Scmi.RESPONSE_PREFIX, domain, AUTONOMOUS, COLD));
            byte[] event = listener.pollEvent();
            assertTrue(event != null && Le.word(event, 0) == Scmi.notificationHeader(Scmi.RESET, RESET_ISSUED),
                    "the listening guest got reset " + i + " while the hoarder posts no buffers");
        }
        assertEquals(limit, session(hoarderAgent).pendingEvents(),
                "the hoarder's notifications are kept up to the limit, the oldest dropped");
        assertEquals(ScmiStatus.SUCCESS.code(), Le.word(hoarder.call(Le.words(header(0, Scmi.PROTOCOL_VERSION))
                .bytes(), Scmi.LINUX_RESPONSE_BUFFER), 1), "the hoarder's own commands are answered");

        hoarder.postEventBuffers(limit);
        for (int i = 0; i < limit; i++) {
            assertEquals(Scmi.notificationHeader(Scmi.RESET, RESET_ISSUED), Le.word(hoarder.awaitEvent(), 0));
        }
        assertEquals(0, session(hoarderAgent).pendingEvents(), "no more than the limit was kept");
    }

    @Test
    void aGuestThatVanishesDuringASlowCommandIsAnsweredInMappedMemoryThenFreedAndComesBack() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        platform.addDriver(new FaultyResetDriver(() -> {
            entered.countDown();
            await(release);
        }), "slow");
        ScmiGuest other = guest(ScmiGuest.connect(serve("vm1")));
        long oneGuest = mappingsOf(GUEST_RAM); // its front-end's and the server's mapping of its RAM
        Path socket = serve("vm0");
        VhostUserFrontend vanishing = VhostUserFrontend.connect(socket.toString(),
                VhostUserFrontend.Options.defaults());
        int agent = agentId("vm0");
        try {
            vanishing.start(); // no event buffers: what is sent to it stays pending
            int seen = domainOf(vanishing, BOARD_DOMAIN);
            assertEquals(ScmiStatus.SUCCESS.code(), Le.word(vanishing.call(Le.words(header(1, RESET_NOTIFY), seen,
                    Scmi.NOTIFY_ON).bytes(), Scmi.RESPONSE_PREFIX), 1));
            int otherDomain = domain(other, BOARD_DOMAIN);
            for (int i = 0; i < 3; i++) {
                assertSucceeded(other.call(Scmi.RESET, RESET_DOMAIN, Scmi.RESPONSE_PREFIX, otherDomain, AUTONOMOUS,
                        COLD));
            }
            assertEquals(3, session(agent).pendingEvents());
            vanishing.submit(Le.words(header(2, RESET_DOMAIN), domainOf(vanishing, FAULTY_DOMAIN), AUTONOMOUS, COLD)
                    .bytes(), Scmi.RESPONSE_PREFIX);
            assertTrue(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the slow command never reached the driver");
        } finally {
            vanishing.close(); // QEMU quits: socket, eventfds and its own mapping of guest RAM gone
        }
        CompletableFuture<ScmiGuest> comingBack = CompletableFuture.supplyAsync(() -> {
            try {
                return ScmiGuest.connect(socket, VhostUserFrontend.Options.defaults().withTimeout(WAIT));
            } catch (LinuxException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            for (int i = 0; i < 20; i++) {
                assertSucceeded(other.call(Scmi.RESET, RESET_DOMAIN, Scmi.RESPONSE_PREFIX, domain(other, BOARD_DOMAIN),
                        AUTONOMOUS, COLD));
            }
            assertTrue(mappingsOf(GUEST_RAM) > oneGuest,
                    "the server keeps the gone guest's memory mapped while its command can still be answered");
            assertFalse(comingBack.isDone(), "the guest's next connection waits for the old one's command");
        } finally {
            release.countDown();
        }
        ScmiGuest back = guest(comingBack.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(within(() -> mappingsOf(GUEST_RAM) == 2 * oneGuest),
                "the gone guest's memory is unmapped once its command was answered: " + mappingsOf(GUEST_RAM));
        assertEquals(agent, agentId("vm0"), "the same guest, the same agent");
        assertSucceeded(back.call(Scmi.BASE, Scmi.PROTOCOL_VERSION, Scmi.LINUX_RESPONSE_BUFFER));
        back.assertNoEvent(); // the notifications pending for the gone connection were dropped with it
        assertSucceeded(other.call(Scmi.BASE, Scmi.PROTOCOL_VERSION, Scmi.LINUX_RESPONSE_BUFFER));
    }

    @Test
    void withInflightTrackingACommandInFlightAtTheDisconnectIsAnsweredOnceAndNotResubmitted() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger driverCalls = new AtomicInteger();
        platform.addDriver(new FaultyResetDriver(() -> {
            driverCalls.incrementAndGet();
            entered.countDown();
            await(release);
        }), "slow");
        Path socket = serve("vm0");
        ScmiGuest guest = guest(ScmiGuest.connect(socket, VhostUserFrontend.Options.defaults().withInflightTracking()
                .withTimeout(WAIT)));
        int header = guest.submit(Scmi.RESET, RESET_DOMAIN, Scmi.RESPONSE_PREFIX, domain(guest, FAULTY_DOMAIN),
                AUTONOMOUS, COLD);
        assertTrue(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the slow command never reached the driver");
        assertEquals(1, guest.frontend().inflightHeads(VhostUserFrontend.COMMAND_QUEUE).size(),
                "the command is recorded in flight");
        // QEMU loses the connection and reconnects, keeping guest RAM and the inflight region.
        CompletableFuture<Void> reconnected = CompletableFuture.runAsync(() -> {
            try {
                guest.reconnect();
            } catch (LinuxException e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(reconnected.isDone(), "the new connection waits for the command of the old one");
        release.countDown();
        reconnected.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Response answer = guest.awaitAnswer();
        assertEquals(header, answer.commandHeader());
        assertSucceeded(answer);
        assertEquals(List.of(), guest.frontend().inflightHeads(VhostUserFrontend.COMMAND_QUEUE),
                "nothing left in flight to resubmit");
        assertSucceeded(guest.call(Scmi.BASE, Scmi.PROTOCOL_VERSION, Scmi.LINUX_RESPONSE_BUFFER));
        assertEquals(0, guest.unansweredCount());
        assertEquals(1, driverCalls.get(), "the command ran once");
    }

    // ------------------------------------------------------------------ helpers

    /** Serves a guest socket named after the guest, as a configured guest of the transport. */
    private Path serve(String name) throws IOException {
        Path socket = directory.resolve(name + ".sock");
        sockets.add(new VhostUserGuestComponent(new GuestConfiguration() {
            @Override
            public String socketPath() {
                return socket.toString();
            }

            @Override
            public String agentName() {
                return name;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return GuestConfiguration.class;
            }
        }, platform.device(), poller));
        return socket;
    }

    private <T extends AutoCloseable> T guest(T guest) {
        guests.add(guest);
        return guest;
    }

    private GuestSession session(int agentId) {
        return platform.agents().sessions().stream().filter(s -> s.agentId() == agentId).findFirst().orElseThrow();
    }

    private int agentId(String name) {
        return platform.agents().sessions().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow()
                .agentId();
    }

    /** A command header for a raw front-end: the token is the caller's. */
    private static int header(int token, int messageId) {
        int protocol = messageId == Scmi.PROTOCOL_VERSION ? Scmi.BASE : Scmi.RESET;
        return ScmiHeader.command(protocol, messageId, token).encode();
    }

    /** The id under which the guest sees the reset domain {@code name}. */
    private static int domain(ScmiGuest guest, String name) throws LinuxException {
        for (int id = 0; ; id++) {
            Response attributes = guest.call(Scmi.RESET, RESET_DOMAIN_ATTRIBUTES, Scmi.LINUX_RESPONSE_BUFFER, id);
            if (attributes.status() != ScmiStatus.SUCCESS.code()) {
                throw new IllegalStateException("the guest sees no reset domain " + name);
            }
            if (name.equals(nameIn(attributes.bytes(), Scmi.RESPONSE_PREFIX + NAME_OFFSET))) {
                return id;
            }
        }
    }

    /** {@link #domain(ScmiGuest, String)} for a raw front-end. */
    private static int domainOf(VhostUserFrontend frontend, String name) throws LinuxException {
        for (int id = 0; ; id++) {
            byte[] attributes = frontend.call(Le.words(header(id, RESET_DOMAIN_ATTRIBUTES), id).bytes(),
                    Scmi.LINUX_RESPONSE_BUFFER);
            if (Le.word(attributes, 1) != ScmiStatus.SUCCESS.code()) {
                throw new IllegalStateException("the guest sees no reset domain " + name);
            }
            if (name.equals(nameIn(attributes, Scmi.RESPONSE_PREFIX + NAME_OFFSET))) {
                return id;
            }
        }
    }

    private static String nameIn(byte[] bytes, int offset) {
        int end = offset;
        while (end < offset + Scmi.SHORT_NAME && end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static void assertSucceeded(Response response) {
        assertEquals(ScmiStatus.SUCCESS.code(), response.status(), () -> "status of " + ScmiHeader.decode(
                response.commandHeader()));
    }

    private static boolean within(BooleanSupplier condition) throws InterruptedException {
        return Eventually.within(WAIT, condition);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Mappings of this process (server and front-ends alike) whose file is the memfd {@code name}. */
    private static long mappingsOf(String name) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(line -> line.contains("/memfd:" + name + " ")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A guest that keeps {@link #FLOOD_DEPTH} commands in its queue however fast they are answered:
     * the driver each of them calls takes in the answers so far and posts one more command, before
     * the device looks for the next chain, so the device never finds the ring empty. Its answers are
     * checked against the commands: right header, SUCCESS, and never a chain answered twice. The
     * driver's thread and the test's share the front-end under this object's monitor, and neither
     * waits while holding it.
     */
    private static final class Flooder implements AutoCloseable {
        private final ScmiGuest guest;
        private final VhostUserFrontend frontend;
        private final int domain;
        /** Chain head to the header of the command it carries. */
        private final Map<Integer, Integer> unanswered = new HashMap<>();
        private int nextToken = 0x100;
        private long submitted;
        private long answered;
        private long events;
        private boolean flooding = true;
        /** The front-end is closing: its memory must not be touched any more. */
        private boolean closed;
        private String wrongAnswer;

        Flooder(ScmiGuest guest, int domain) {
            this.guest = guest;
            this.frontend = guest.frontend();
            this.domain = domain;
        }

        synchronized void fill() throws LinuxException {
            for (int i = 0; i < FLOOD_DEPTH; i++) {
                submit();
            }
        }

        /** Called by the flooding command's driver: takes in what was answered and posts another. */
        synchronized void refill() {
            if (closed) {
                return;
            }
            reap();
            if (flooding) {
                try {
                    submit();
                } catch (LinuxException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        private void submit() throws LinuxException {
            int header = ScmiHeader.command(Scmi.RESET, RESET_DOMAIN, nextToken).encode();
            nextToken = (nextToken + 1) & ScmiHeader.TOKEN_MASK;
            int head = frontend.submit(Le.words(header, domain, AUTONOMOUS, COLD).bytes(), Scmi.RESPONSE_PREFIX);
            if (unanswered.put(head, header) != null) {
                wrongAnswer = "chain " + head + " posted while its command was unanswered";
            }
            submitted++;
        }

        /** Takes in the answers in the used ring; returns the commands still unanswered. */
        synchronized int reap() {
            for (UsedBuffer used; (used = frontend.queue(VhostUserFrontend.COMMAND_QUEUE).poll()) != null; ) {
                Integer header = unanswered.remove(used.id());
                byte[] answer = used.written();
                if (header == null) {
                    wrongAnswer = "chain " + used.id() + " answered, which carries no unanswered command";
                } else if (answer.length != Scmi.RESPONSE_PREFIX || Le.word(answer, 0) != header
                        || Le.word(answer, 1) != ScmiStatus.SUCCESS.code()) {
                    wrongAnswer = "chain " + used.id() + " answered " + Le.hex(answer);
                }
                answered++;
            }
            return unanswered.size();
        }

        synchronized void stop() {
            flooding = false;
        }

        /** Stops touching the front-end, before it closes (the driver may still be called). */
        @Override
        public synchronized void close() {
            flooding = false;
            closed = true;
        }

        synchronized long interrupts() {
            try {
                return frontend.takeInterrupts(VhostUserFrontend.COMMAND_QUEUE);
            } catch (LinuxException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Takes in the events delivered so far (posting a buffer for each); returns how many ever came. */
        synchronized long takeEvents() {
            try {
                while (guest.pollEvent() != null) {
                    events++;
                }
            } catch (LinuxException e) {
                throw new IllegalStateException(e);
            }
            return events;
        }

        synchronized long submitted() {
            return submitted;
        }

        synchronized long answered() {
            return answered;
        }

        synchronized int unanswered() {
            return unanswered.size();
        }

        synchronized String wrongAnswer() {
            return wrongAnswer;
        }
    }
}
