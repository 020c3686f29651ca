package org.scmi.board.hostsensors;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which host sensors to offer: those whose name or key matches an include pattern and no exclude
 * pattern. Patterns are globs: {@code *} any characters, {@code ?} one character.
 */
final class SensorFilter {
    private final List<Pattern> include;
    private final List<Pattern> exclude;

    SensorFilter(String[] include, String[] exclude) {
        this.include = compile(include);
        this.exclude = compile(exclude);
    }

    boolean accepts(String name, String key) {
        return matches(include, name, key) && !matches(exclude, name, key);
    }

    private static boolean matches(List<Pattern> patterns, String name, String key) {
        return patterns.stream().anyMatch(p -> p.matcher(name).matches() || p.matcher(key).matches());
    }

    private static List<Pattern> compile(String[] globs) {
        return globs == null ? List.of() : Arrays.stream(globs).filter(g -> !g.isBlank())
                .map(SensorFilter::glob).toList();
    }

    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.trim().toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
