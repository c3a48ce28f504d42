package org.classchain;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who a command is for: every peer, some peers by node id, some people by username wherever
 * they are signed in, or every peer of a role.
 *
 * <p>Parsed from and printed as {@code all}, {@code peer:ID[,ID]}, {@code user:NAME[,NAME]} or
 * {@code role:STUDENT}. Values are kept sorted so that the canonical encoding is unique.
 *
 * @param kind what the values name
 * @param values node ids, usernames or a role name; none for {@link Kind#ALL}
 */
public record Target(Kind kind, List<String> values) {

    /** The kinds of target. */
    public enum Kind {
        /** Every peer but the teacher's own hosts. */
        ALL,
        /** Peers named by node id. */
        PEERS,
        /** Peers where one of the named users is signed in. */
        USERS,
        /** Peers whose role is the named one. */
        ROLE
    }

    /**
     * Checks the values: none for ALL, at least one otherwise, sorted and without duplicates.
     *
     * @param kind never null
     * @param values copied, sorted, without duplicates; each 1–128 characters, not blank; for
     *               {@link Kind#ROLE}, names of {@link Role}
     * @throws IllegalArgumentException naming what is wrong
     */
    public Target {
        Objects.requireNonNull(kind, "kind");
        values = List.copyOf(new TreeSet<>(values));
        if (kind == Kind.ALL && !values.isEmpty()) {
            throw new IllegalArgumentException("target 'all' takes no values");
        }
        if (kind != Kind.ALL && values.isEmpty()) {
            throw new IllegalArgumentException("target '" + kind.name().toLowerCase() + "' needs at least one value");
        }
        if (kind == Kind.ROLE) {
            for (String v : values) {
                if (!v.equals(Role.TEACHER.name()) && !v.equals(Role.STUDENT.name())) {
                    throw new IllegalArgumentException("a role is TEACHER or STUDENT, not '" + v + "'");
                }
            }
        }
        for (String v : values) {
            if (v.isBlank() || v.length() > 128) {
                throw new IllegalArgumentException("bad target value: '" + v + "'");
            }
        }
    }

    /** {@return the target of every student peer} */
    public static Target all() {
        return new Target(Kind.ALL, List.of());
    }

    /**
     * {@return the target of the peers with these node ids}
     *
     * @param nodeIds at least one
     */
    public static Target peers(String... nodeIds) {
        return new Target(Kind.PEERS, List.of(nodeIds));
    }

    /**
     * {@return the target of the peers where these users are signed in}
     *
     * @param usernames at least one
     */
    public static Target users(String... usernames) {
        return new Target(Kind.USERS, List.of(usernames));
    }

    /**
     * {@return the target of every peer of this role}
     *
     * @param role the role
     */
    public static Target role(Role role) {
        return new Target(Kind.ROLE, List.of(role.name()));
    }

    /**
     * Parses {@code all}, {@code peer:a,b}, {@code user:a,b} or {@code role:STUDENT}: the kind in
     * either case, the values as given (a role's in either case). {@link #toString()} prints what
     * this parses back.
     *
     * @param text the target as a person typed it
     * @return the target
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Target parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no target");
        }
        String t = text.trim();
        if (t.equalsIgnoreCase("all")) {
            return all();
        }
        int colon = t.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a target is all, peer:ID, user:NAME or role:ROLE, not '" + text + "'");
        }
        List<String> vals = List.of(t.substring(colon + 1).split(","));
        return switch (t.substring(0, colon).toLowerCase()) {
            case "peer" -> new Target(Kind.PEERS, vals);
            case "user" -> new Target(Kind.USERS, vals);
            case "role" -> new Target(Kind.ROLE, vals.stream().map(String::toUpperCase).toList());
            default -> throw new IllegalArgumentException(
                    "a target is all, peer:ID, user:NAME or role:ROLE, not '" + text + "'");
        };
    }

    /**
     * Whether a peer is targeted.
     *
     * @param nodeId the peer's node id
     * @param role the peer's role
     * @param signedInUsers the users signed in at that peer
     * @return whether the peer runs a command with this target
     */
    public boolean matches(String nodeId, Role role, Set<String> signedInUsers) {
        return switch (kind) {
            case ALL -> role == Role.STUDENT;
            case PEERS -> values.contains(nodeId);
            case USERS -> values.stream().anyMatch(signedInUsers::contains);
            case ROLE -> values.contains(role.name());
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ALL -> "all";
            case PEERS -> "peer:" + String.join(",", values);
            case USERS -> "user:" + String.join(",", values);
            case ROLE -> "role:" + String.join(",", values);
        };
    }
}
