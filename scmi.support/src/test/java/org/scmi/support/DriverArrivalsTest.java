package org.scmi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.scmi.api.ScmiException;
import org.scmi.api.ScmiStatus;

class DriverArrivalsTest {
    private final DriverArrivals arrivals = new DriverArrivals();

    @Test
    void whatIsThereIsReturnedAtOnceWithoutWaiting() {
        long start = System.nanoTime();
        assertEquals("driver", arrivals.await(() -> "driver", Duration.ofSeconds(10)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void nothingArrivingEndsWithNullAfterTheGracePeriod() {
        long start = System.nanoTime();
        assertNull(arrivals.await(() -> null, Duration.ofMillis(150)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150));
    }

    @Test
    void aWaitingCommandWakesWhenTheDriverArrives() throws Exception {
        AtomicReference<String> driver = new AtomicReference<>();
        AtomicInteger lookups = new AtomicInteger();
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> arrivals.await(() -> {
            lookups.incrementAndGet();
            return driver.get();
        }, Duration.ofSeconds(10)));
        while (lookups.get() < 2) {
            Thread.onSpinWait();
        }
        long start = System.nanoTime();
        driver.set("driver");
        arrivals.arrived();
        assertEquals("driver", waiting.get(5, TimeUnit.SECONDS));
        // woken by the signal, not by the end of the ten-second grace period
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void anInterruptedWaitLooksOnceMoreAndKeepsTheInterrupt() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>("unset");
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            result.set(arrivals.await(() -> null, Duration.ofSeconds(10)));
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        Thread.sleep(50);
        waiter.interrupt();
        waiter.join(5_000);
        assertNull(result.get());
        assertEquals(Boolean.TRUE, interrupted.get());
    }

    @Test
    void aDriverThatStaysAwayIsAHardwareErrorNamingIt() throws Exception {
        assertEquals("driver", arrivals.awaitDriver(() -> "driver", Duration.ofMillis(50), "driver a of clock 1"));
        ScmiException away = assertThrows(ScmiException.class,
                () -> arrivals.awaitDriver(() -> null, Duration.ofMillis(50), "driver a of clock 1"));
        assertEquals(ScmiStatus.HARDWARE_ERROR, away.status());
        assertEquals("HARDWARE_ERROR: the driver a of clock 1 stayed away for 50 ms", away.getMessage());
    }
}
