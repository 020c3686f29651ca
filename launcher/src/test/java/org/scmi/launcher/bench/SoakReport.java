package org.scmi.launcher.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.scmi.launcher.bench.Soak.GuestResult;
import org.scmi.launcher.bench.Soak.Sample;

/**
 * The soak's figures and verdicts: as text for the README, or as {@code key=value} lines for
 * scripts ({@code --summary}).
 */
final class SoakReport {
    private final Soak.Settings settings;
    private final String machine;
    private final List<Sample> samples = new ArrayList<>();
    private final List<GuestResult> guests = new ArrayList<>();
    private final Map<String, Integer> updates = new TreeMap<>();
    private final List<String> adminProblems = new ArrayList<>();
    private Sample last;
    private long raised;
    private long reconnections;
    private long failedReconnections;
    private int serverExit = -1;

    SoakReport(Soak.Settings settings, String machine) {
        this.settings = settings;
        this.machine = machine;
    }

    void sample(Sample sample) {
        samples.add(sample);
    }

    void last(Sample sample) {
        last = sample;
    }

    /** A protocol bundle was updated; {@code answer} is what the shell said (nothing when all went well). */
    void updated(String bundle, String answer) {
        updates.merge(bundle, 1, Integer::sum);
        if (!answer.isEmpty()) {
            adminProblems.add("update " + bundle + ": " + firstLine(answer));
        }
    }

    /** The watched sensor was held at a value across the trip point: one event for every subscribed guest. */
    void moved(String answer) {
        if (answer.contains(" held at ")) {
            raised++;
        } else {
            adminProblems.add("sensorSet: " + firstLine(answer));
        }
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    void reconnected(boolean connected) {
        reconnections++;
        if (!connected) {
            failedReconnections++;
        }
    }

    void xenGuests(List<GuestResult> results) {
        guests.addAll(results);
    }

    void vhostGuest(GuestResult result) {
        guests.add(result);
    }

    void serverExit(int exit) {
        serverExit = exit;
    }

    String progress(Sample sample, long vhostCommands, long vhostFailed) {
        return String.format(Locale.ROOT, "%d min: vhost-user guests %,d commands, %d failed; server RSS %.1f MiB, "
                + "%d threads, %d open fds", Math.round(sample.seconds() / 60), vhostCommands, vhostFailed,
                Soak.mib(sample.memory().residentKiB()), sample.memory().threads(), sample.fds());
    }

    private long commands() {
        return guests.stream().mapToLong(g -> g.counts().commands()).sum();
    }

    private long failed() {
        return guests.stream().mapToLong(g -> g.counts().failed()).sum() + failedReconnections
                + adminProblems.size();
    }

    /** Guests that stayed connected and did not receive exactly the events raised. */
    private List<GuestResult> missedNotifications() {
        return guests.stream().filter(g -> !g.reconnecting() && g.counts().notifications() != raised).toList();
    }

    private List<Sample> afterWarmUp() {
        double warmUp = settings.warmUp().toNanos() / 1e9;
        List<Sample> after = new ArrayList<>(samples.stream().filter(s -> s.seconds() >= warmUp).toList());
        after.add(last);
        return after;
    }

    private double slope() {
        return Soak.rssSlopeMibPerHour(afterWarmUp());
    }

    private double windowSeconds() {
        List<Sample> after = afterWarmUp();
        return after.getLast().seconds() - after.getFirst().seconds();
    }

    private boolean slopeChecked() {
        return windowSeconds() >= Soak.SLOPE_CHECKED_FROM.toSeconds();
    }

    private boolean slopeMet() {
        return !slopeChecked() || slope() < Soak.RSS_SLOPE_TARGET_MIB_PER_HOUR;
    }

    private Sample firstAfterWarmUp() {
        return afterWarmUp().getFirst();
    }

    /**
     * The samples of the first third of the time after the warm-up: the baseline that threads and
     * fds at the end are held to. Thread pools that grow while handlers block and the JIT's compiler
     * threads come and go within a bound; growth is the end above everything seen early on.
     */
    private List<Sample> baseline() {
        List<Sample> after = afterWarmUp();
        double until = after.getFirst().seconds() + windowSeconds() / 3;
        return after.stream().filter(s -> s.seconds() <= until).toList();
    }

    private long baselineThreads() {
        return baseline().stream().mapToLong(s -> s.memory().threads()).max().orElseThrow();
    }

    private long baselineFds() {
        return baseline().stream().mapToLong(Sample::fds).max().orElseThrow();
    }

    private boolean threadsMet() {
        return last.memory().threads() <= baselineThreads();
    }

    private boolean fdsMet() {
        return last.fds() <= baselineFds();
    }

    private boolean everyGuestSent() {
        return guests.size() == settings.vhostGuests() + settings.xenGuests()
                && guests.stream().allMatch(g -> g.counts().commands() > 0);
    }

    boolean met() {
        return failed() == 0 && everyGuestSent() && missedNotifications().isEmpty() && raised > 0 && slopeMet()
                && threadsMet() && fdsMet() && serverExit == 0;
    }

    void print(PrintStream out) {
        Sample first = firstAfterWarmUp();
        out.println(machine);
        out.println();
        out.println(String.format(Locale.ROOT, "%d min: %d vhost-user guests (each its own connection, memfd RAM, "
                + "rings, eventfds and thread) and %d simulated Xen guests (in the server), each sending %d commands a "
                + "second: sensor reads, CPU clock rate sets, power domain votes, with a sensor trip point subscribed; "
                + "the watched sensor moved across the trip point every %d s, %s, vhost-user guest %d disconnecting "
                + "and connecting again every %d s; the server's memory, threads and open fds read every %d s, the first "
                + "%d s counted as warm-up.",
                settings.length().toMinutes(), settings.vhostGuests(), settings.xenGuests(), settings.rate(),
                Soak.NOTIFY_EVERY_SECONDS, settings.updates() ? String.format(Locale.ROOT,
                        "a protocol bundle updated every %d s (%s in turn; every %d s during the warm-up, so that "
                        + "the JIT compiles most of the update path before the memory slope is measured)",
                        settings.updateEverySeconds(), String.join(", ", Soak.UPDATED_BUNDLES),
                        settings.warmUpUpdateEverySeconds())
                        : "no bundle updated",
                settings.vhostGuests() - 1, Soak.RECONNECT_EVERY_SECONDS, Soak.SAMPLE_EVERY_SECONDS,
                settings.warmUp().toSeconds()));
        out.println();
        out.println("| | result | target | |");
        out.println("|---|---|---|---|");
        out.println(String.format(Locale.ROOT, "| failed requests | %d of %,d commands%s | 0 | %s |", failed(), commands(),
                firstFailure(), Report.verdict(failed() == 0 && everyGuestSent())));
        out.println(String.format(Locale.ROOT, "| trip point events | %s | every one raised (%d), to every guest "
                + "that stayed connected | %s |", notificationSummary(), raised,
                Report.verdict(missedNotifications().isEmpty() && raised > 0)));
        out.println(String.format(Locale.ROOT, "| resident memory after warm-up | %.1f → %.1f MiB (min %.1f, max "
                + "%.1f) over %.0f min: slope %.2f MiB/hour | < %.0f MiB/hour%s | %s |", Soak.mib(first.memory()
                .residentKiB()), Soak.mib(last.memory().residentKiB()), extreme(false), extreme(true),
                windowSeconds() / 60, slope(), Soak.RSS_SLOPE_TARGET_MIB_PER_HOUR, slopeChecked() ? ""
                        : " (checked from " + Soak.SLOPE_CHECKED_FROM.toMinutes() + " min after warm-up)",
                slopeChecked() ? Report.verdict(slopeMet()) : "not checked"));
        out.println(String.format(Locale.ROOT, "| threads | %d after warm-up, %d at the end; at most %d in the "
                + "first third after warm-up, %d in all | at the end, no more than in the first third | %s |",
                first.memory().threads(), last.memory().threads(), baselineThreads(), afterWarmUp().stream()
                        .mapToLong(s -> s.memory().threads()).max().orElse(0), Report.verdict(threadsMet())));
        out.println(String.format(Locale.ROOT, "| open file descriptors | %d after warm-up, %d at the end; at most "
                + "%d in the first third after warm-up, %d in all | at the end, no more than in the first third | %s |",
                first.fds(), last.fds(), baselineFds(), afterWarmUp().stream().mapToLong(Sample::fds).max().orElse(0),
                Report.verdict(fdsMet())));
        out.println(String.format(Locale.ROOT, "| bundle updates, reconnections | %s; %d reconnections | | |",
                updates, reconnections));
        out.println();
        out.println(met() ? "All targets met." : "Targets missed." + (serverExit != 0 ? " The server exited with "
                + serverExit + " after SIGTERM." : ""));
    }

    private String firstFailure() {
        List<String> problems = new ArrayList<>(adminProblems);
        guests.stream().filter(g -> g.counts().firstFailure() != null)
                .forEach(g -> problems.add(g.name() + ": " + g.counts().firstFailure()));
        return problems.isEmpty() ? "" : " (first: " + problems.getFirst() + ")";
    }

    private String notificationSummary() {
        List<GuestResult> missed = missedNotifications();
        String reconnecting = guests.stream().filter(GuestResult::reconnecting)
                .map(g -> g.name() + " (reconnecting) " + g.counts().notifications()).findFirst().orElse("");
        return (missed.isEmpty() ? "every other guest " + raised : "differing: " + String.join(", ",
                missed.stream().map(g -> g.name() + " " + g.counts().notifications()).toList()))
                + (reconnecting.isEmpty() ? "" : "; " + reconnecting);
    }

    private double extreme(boolean max) {
        var stream = afterWarmUp().stream().mapToDouble(s -> Soak.mib(s.memory().residentKiB()));
        return (max ? stream.max() : stream.min()).orElse(Double.NaN);
    }

    void printSummary(PrintStream out) {
        Sample first = firstAfterWarmUp();
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("soak.minutes", Long.toString(settings.length().toMinutes()));
        keys.put("soak.commands", Long.toString(commands()));
        keys.put("soak.failed", Long.toString(failed()));
        keys.put("soak.notifications_raised", Long.toString(raised));
        keys.put("soak.guests_missing_notifications", Integer.toString(missedNotifications().size()));
        keys.put("soak.rss_first_mib", Report.summaryNumber(Soak.mib(first.memory().residentKiB())));
        keys.put("soak.rss_last_mib", Report.summaryNumber(Soak.mib(last.memory().residentKiB())));
        keys.put("soak.rss_slope_mib_per_hour", Report.summaryNumber(slope()));
        keys.put("soak.rss_slope_checked", Boolean.toString(slopeChecked()));
        keys.put("soak.threads_first", Long.toString(first.memory().threads()));
        keys.put("soak.threads_baseline_max", Long.toString(baselineThreads()));
        keys.put("soak.threads_last", Long.toString(last.memory().threads()));
        keys.put("soak.fds_first", Long.toString(first.fds()));
        keys.put("soak.fds_baseline_max", Long.toString(baselineFds()));
        keys.put("soak.fds_last", Long.toString(last.fds()));
        keys.put("soak.updates", Integer.toString(updates.values().stream().mapToInt(Integer::intValue).sum()));
        keys.put("soak.reconnections", Long.toString(reconnections));
        keys.put("soak.server_exit", Integer.toString(serverExit));
        keys.put("soak.met", Boolean.toString(met()));
        keys.forEach((key, value) -> out.println(key + "=" + value));
    }
}
