package org.scmi.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.scmi.launcher.bench.Soak.Settings;

class SoakOptionsTest {

    private static Settings settings(String... args) {
        return Soak.options(args).orElseThrow().settings();
    }

    /** The seconds of the run at which a bundle is updated. */
    private static List<Long> updateSeconds(Settings settings) {
        return LongStream.rangeClosed(1, settings.length().toSeconds()).filter(settings::updateDue).boxed().toList();
    }

    @Test
    void theDefaultRunUpdatesOnceAMinuteAndEndsTwentySecondsAfterItsLastUpdate() {
        Settings settings = settings("--minutes", "60");

        assertEquals(new Settings(Duration.ofMinutes(60), 8, 8, Soak.DEFAULT_RATE, 60), settings);
        List<Long> updates = updateSeconds(settings);
        assertEquals(60, updates.size());
        assertEquals(40, updates.getFirst());
        assertEquals(3600 - 20, updates.getLast());
        assertEquals(Duration.ofMinutes(10), settings.warmUp());
    }

    @Test
    void updateEveryPacksTheUpdatesIntoTheSameRun() {
        Settings settings = settings("--minutes", "12", "--update-every", "6");

        List<Long> updates = updateSeconds(settings);
        assertEquals(120, updates.size());
        assertEquals(List.of(4L, 10L, 16L), updates.subList(0, 3));
        assertEquals(720 - 2, updates.getLast());
        assertEquals(Duration.ofMinutes(4), settings.warmUp());
    }

    @Test
    void noUpdatesIsTheBaselineWithoutAnyUpdate() {
        Settings settings = settings("--minutes", "3", "--no-updates");

        assertFalse(settings.updates());
        assertEquals(List.of(), updateSeconds(settings));
    }

    @Test
    void theShortRunOfTheTestsWarmsUpForAThirdOfItsLength() {
        Settings settings = settings("--guests", "2", "--xen-guests", "3", "--rate", "5");

        assertEquals(new Settings(Duration.ofMinutes(2), 2, 3, 5, 60), settings);
        assertEquals(Duration.ofSeconds(40), settings.warmUp());
        assertEquals(List.of(40L, 100L), updateSeconds(settings));
    }

    @Test
    void summaryAsksForKeyValueLines() {
        assertTrue(Soak.options(new String[] {"--summary"}).orElseThrow().summary());
        assertFalse(Soak.options(new String[0]).orElseThrow().summary());
    }

    @Test
    void badOptionsAreReportedByName() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> settings("--update-every", "0"));
        assertEquals("--update-every needs a positive whole number, not '0'", zero.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> settings("--minutes"));
        assertEquals("--minutes needs a value", missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> settings("--hours", "1"));
        assertEquals("unknown option '--hours' (try --help)", unknown.getMessage());
    }
}
