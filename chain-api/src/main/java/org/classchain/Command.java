package org.classchain;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One thing the teacher asks the targeted peers to do: run module {@code module} with
 * {@code args}, unless {@code notAfter} has passed by the time a peer sees it.
 *
 * <p>Instants are kept to the millisecond, the precision of the canonical encoding; argument
 * keys are kept sorted.
 *
 * @param id unique on a chain: a peer runs a command once
 * @param module the name of the module that runs it
 * @param target the peers it is for
 * @param args the module's arguments, by name
 * @param notAfter when it expires: a peer that sees it later reports EXPIRED
 */
public record Command(UUID id, String module, Target target, Map<String, String> args, Instant notAfter) {

    /** How long a command stays valid when the sender does not say. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    /** The longest a command may stay valid. */
    public static final Duration MAX_TTL = Duration.ofDays(7);

    private static final Pattern MODULE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    /**
     * Checks the fields and copies the arguments into a sorted, unmodifiable map.
     *
     * @param id never null
     * @param module a valid module name ({@link #isValidModuleName})
     * @param target never null
     * @param args copied; names must be well-formed Unicode, no name or value null
     * @param notAfter never null; cut to the millisecond
     * @throws IllegalArgumentException when the module name or an argument name is malformed
     */
    public Command {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(notAfter, "notAfter");
        if (!isValidModuleName(module)) {
            throw new IllegalArgumentException("a module name is 1-64 of a-z, 0-9 and '-', starting with a letter: " + module);
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : args.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "argument name");
            if (!isWellFormed(name)) {
                // JSON parsers (Jackson among them) refuse such a name: a block carrying it could not be read
                throw new IllegalArgumentException("an argument name must be well-formed Unicode (no lone surrogate)");
            }
            sorted.put(name, Objects.requireNonNull(e.getValue(), "argument value"));
        }
        args = Collections.unmodifiableSortedMap(sorted);
        notAfter = notAfter.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * A new command with a random id, valid for {@code ttl} from {@code now}.
     *
     * @param module the module that runs it
     * @param target the peers it is for
     * @param args the module's arguments
     * @param now the sender's time
     * @param ttl how long it stays valid: more than 0, at most {@link #MAX_TTL}
     * @return the command
     * @throws IllegalArgumentException when {@code ttl} is out of range or a field is malformed
     */
    public static Command create(String module, Target target, Map<String, String> args, Instant now, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a command's time to live is between 1 ms and " + describe(MAX_TTL)
                    + ", not " + describe(ttl));
        }
        return new Command(UUID.randomUUID(), module, target, args, now.plus(ttl));
    }

    /** {@code 30 days}, {@code 2 h}, {@code 90 s}, {@code 1500 ms}: the largest unit that divides it. */
    private static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms <= 0 || ms % 1000 != 0) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s % 86_400 == 0) {
            return s / 86_400 + (s == 86_400 ? " day" : " days");
        }
        return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    /**
     * {@return whether {@code name} is a well-formed module name}
     * That is 1–64 of a-z, 0-9 and '-', starting with a letter.
     *
     * @param name any string, or null
     */
    public static boolean isValidModuleName(String name) {
        return name != null && MODULE_NAME.matcher(name).matches();
    }

    /** Whether {@code s} has no lone surrogate (every high surrogate followed by a low one, no other low one). */
    static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return whether this command has expired at {@code now}}
     *
     * @param now the time to judge by
     */
    public boolean isExpiredAt(Instant now) {
        return now.isAfter(notAfter);
    }
}
