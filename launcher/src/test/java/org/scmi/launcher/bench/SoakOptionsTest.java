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

    /** The updates from this second of the run on. */
    private static List<Long> from(List<Long> updates, long second) {
        return updates.stream().filter(s -> s >= second).toList();
    }

    @Test
    void theReadmesRunUpdatesEverySixSecondsInItsWarmUpThenOnceAMinuteEndingTwentySecondsAfterItsLastUpdate() {
        Settings settings = settings("--minutes", "85");

        assertEquals(new Settings(Duration.ofMinutes(85), 8, 8, Soak.DEFAULT_RATE, 60), settings);
        assertEquals(Duration.ofMinutes(25), settings.warmUp());
        List<Long> updates = updateSeconds(settings);
        List<Long> afterWarmUp = from(updates, 1500);
        assertEquals(List.of(6L, 12L, 18L), updates.subList(0, 3));
        assertEquals(1476, updates.get(updates.size() - afterWarmUp.size() - 1));
        assertEquals(246, updates.size() - afterWarmUp.size());
        assertEquals(60, afterWarmUp.size());
        assertEquals(1540, afterWarmUp.getFirst());
        assertEquals(85 * 60 - 20, afterWarmUp.getLast());
    }

    @Test
    void anHoursRunWarmsUpForAThirdOfIt() {
        Settings settings = settings("--minutes", "60");

        assertEquals(Duration.ofMinutes(20), settings.warmUp());
        List<Long> updates = updateSeconds(settings);
        List<Long> afterWarmUp = from(updates, 1200);
        assertEquals(196, updates.size() - afterWarmUp.size());
        assertEquals(40, afterWarmUp.size());
    }

    @Test
    void updateEveryPacksTheUpdatesIntoTheSameRun() {
        Settings settings = settings("--minutes", "12", "--update-every", "6");

        assertEquals(Duration.ofMinutes(4), settings.warmUp());
        List<Long> updates = updateSeconds(settings);
        List<Long> afterWarmUp = from(updates, 240);
        assertEquals(List.of(6L, 12L, 18L), updates.subList(0, 3));
        assertEquals(39, updates.size() - afterWarmUp.size());
        assertEquals(List.of(244L, 250L, 256L), afterWarmUp.subList(0, 3));
        assertEquals(80, afterWarmUp.size());
        assertEquals(720 - 2, afterWarmUp.getLast());
    }

    @Test
    void anUpdatePeriodShorterThanTheWarmUpsIsKeptInTheWarmUp() {
        Settings settings = settings("--minutes", "3", "--update-every", "2");

        List<Long> updates = updateSeconds(settings);
        assertEquals(List.of(2L, 4L, 6L), updates.subList(0, 3));
        assertEquals(89, updates.size());
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
        assertEquals(List.of(6L, 12L, 18L, 40L, 100L), updateSeconds(settings));
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
