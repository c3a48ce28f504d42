package org.classchain.core.dispatch;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.classchain.Command;

/**
 * A peer's local say over which modules it runs: all of them, all but a deny list, or only an
 * allow list. A refused command gets a REFUSED receipt. Immutable and thread-safe.
 */
public final class Policy {

    private enum Mode { ALLOW_ALL, DENY, ALLOW_ONLY }

    private static final Policy ALLOW_ALL = new Policy(Mode.ALLOW_ALL, Set.of());

    private final Mode mode;
    private final Set<String> names;

    private Policy(Mode mode, Set<String> names) {
        this.mode = mode;
        this.names = Set.copyOf(names);
    }

    /** Runs every module. */
    public static Policy allowAll() {
        return ALLOW_ALL;
    }

    /** Runs every module but these. */
    public static Policy deny(Set<String> modules) {
        return new Policy(Mode.DENY, checked(modules));
    }

    /** Runs only these modules (none when the set is empty). */
    public static Policy allowOnly(Set<String> modules) {
        return new Policy(Mode.ALLOW_ONLY, checked(modules));
    }

    /**
     * The policy of the launcher's {@code --deny m1,m2} and {@code --allow m1,m2} options, each
     * null when not given.
     *
     * @throws IllegalArgumentException when both are given or a name is not a module name
     */
    public static Policy parse(String denyList, String allowList) {
        if (denyList != null && allowList != null) {
            throw new IllegalArgumentException("give a deny list or an allow list, not both");
        }
        if (denyList != null) {
            return deny(names(denyList));
        }
        if (allowList != null) {
            return allowOnly(names(allowList));
        }
        return allowAll();
    }

    /** Whether this peer runs module {@code module}. */
    public boolean permits(String module) {
        return switch (mode) {
            case ALLOW_ALL -> true;
            case DENY -> !names.contains(module);
            case ALLOW_ONLY -> names.contains(module);
        };
    }

    /**
     * The names this policy's deny or allow list gives that are not among {@code installed},
     * sorted: most likely typos, which refuse or allow nothing.
     */
    public Set<String> unknownNames(Collection<String> installed) {
        Set<String> out = new TreeSet<>(names);
        out.removeAll(installed);
        return out;
    }

    private static Set<String> names(String commaSeparated) {
        Set<String> out = new TreeSet<>();
        Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        return checked(out);
    }

    private static Set<String> checked(Set<String> modules) {
        for (String m : modules) {
            if (!Command.isValidModuleName(m)) {
                throw new IllegalArgumentException("not a module name: '" + m
                        + "' (1-64 of a-z, 0-9 and '-', starting with a letter)");
            }
        }
        return modules;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Policy p && mode == p.mode && names.equals(p.names);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, names);
    }

    @Override
    public String toString() {
        return switch (mode) {
            case ALLOW_ALL -> "allow all";
            case DENY -> "deny " + String.join(",", new TreeSet<>(names));
            case ALLOW_ONLY -> "allow only " + String.join(",", new TreeSet<>(names));
        };
    }
}
