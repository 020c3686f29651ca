package org.scmi.board.hostsensors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reading sysfs attribute files: one value per file, newline-terminated. */
final class Sysfs {

    private Sysfs() {
    }

    static String text(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }

    static Optional<String> optionalText(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(text(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static long integer(Path file) throws IOException {
        String value = text(file);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds '" + value + "', not a whole number", e);
        }
    }

    static double decimal(Path file) throws IOException {
        String value = text(file);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds '" + value + "', not a number", e);
        }
    }

    /** The names of the entries of a directory, sorted; empty if it does not exist. */
    static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A sensor name from sysfs words: characters other than letters, digits, '.', '-' become '_'. */
    static String name(String text) {
        String cleaned = text.replaceAll("[^A-Za-z0-9.\\-]+", "_").replaceAll("^_+|_+$", "");
        return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
    }
}
